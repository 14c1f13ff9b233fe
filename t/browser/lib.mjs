// What the browser tests share: the demo's accounts, the TAP-like output that
// scripts/browser-test counts, Chromium's launch, and browser contexts that never leave the
// demo servers.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The demo's participant (scripts/lib/common.sh): platform login and simulated SENCE.
export const RUN = '12345678-5';
export const PLATFORM_PASSWORD = 'alumno';
export const SENCE_PASSWORD = 'secreto';
export const TIMEOUT = 10_000;
export const OUT = process.env.SENCE_BROWSER_OUT || join(dirname(fileURLToPath(import.meta.url)), 'out');
const CHROMIUM = process.env.SENCE_CHROMIUM || '/usr/bin/chromium';

// Numbered "ok N - name" / "not ok N - name: detail" lines and the last line
// "LABEL: n passed, m failed". A signal ends the run with one more failure.
export function tap(label) {
  let passed = 0;
  let failed = 0;
  const started = Date.now();
  const check = (name, ok, detail) => {
    if (ok) passed++;
    else failed++;
    console.log(ok ? `ok ${passed + failed} - ${name}`
      : `not ok ${passed + failed} - ${name}${detail !== undefined ? `: ${detail}` : ''}`);
    return ok;
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      console.log(`not ok ${passed + failed + 1} - stopped by ${sig}`);
      console.log(`${label}: ${passed} passed, ${failed + 1} failed`);
      process.exit(1);
    });
  }
  return {
    check,
    info: (msg) => console.log(`# info: ${msg}`),
    // Runs one scenario; an exception (timeout, navigation error) is one failed check.
    async scenario(name, fn) {
      console.log(`# ${name}`);
      try {
        await fn();
      } catch (e) {
        check(`${name}: ran to the end`, false, String(e && e.message ? e.message : e).split('\n')[0]);
      }
    },
    finish() {
      console.log(`# screenshots in ${OUT}; ${((Date.now() - started) / 1000).toFixed(1)} s`);
      console.log(`${label}: ${passed} passed, ${failed} failed`);
      process.exit(failed ? 1 : 0);
    },
  };
}

// Debian's Chromium, headless, no browser download; HOSTS (names other than loopback ones)
// are resolved to 127.0.0.1 by Chromium itself.
export async function launch(hosts = []) {
  mkdirSync(OUT, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // tap() handles signals; Playwright kills its browsers when node exits.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--no-proxy-server',
      ...(hosts.length ? [`--host-resolver-rules=${hosts.map((n) => `MAP ${n} 127.0.0.1`).join(', ')}`] : []),
    ],
  });
}

// Browser contexts whose requests may reach only the origins ALLOWED says yes to: any other
// is aborted and kept in `offsite`. Script errors go to `pageErrors`, refusals by the
// Content-Security-Policy (console errors) to `cspErrors`.
export function confine(allowed) {
  const offsite = [];
  const pageErrors = [];
  const cspErrors = [];
  async function newContext(browser, options = {}) {
    const ctx = await browser.newContext({
      viewport: { width: 1024, height: 720 },
      locale: 'es-CL',
      ...options,
    });
    ctx.setDefaultTimeout(TIMEOUT);
    ctx.setDefaultNavigationTimeout(TIMEOUT);
    await ctx.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('data:') || allowed(new URL(url).origin)) return route.continue();
      offsite.push(url);
      return route.abort('blockedbyclient');
    });
    ctx.on('page', (page) => {
      page.on('console', (msg) => {
        if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) {
          cspErrors.push(`${page.url()}: ${msg.text()}`);
        }
      });
      page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`));
    });
    return ctx;
  }
  return { offsite, pageErrors, cspErrors, newContext };
}
