// Where SENCE's callback came from, as a real browser sends it.
//
//   SENCE_BASE_URL=http://cursos.otec.localhost:18181 SENCE_JOURNAL=/tmp/…/journal.log \
//   SENCE_STRICT_URL=http://cursos.otec.localhost:18182 SENCE_STRICT_JOURNAL=/tmp/…/journal.log \
//   SENCE_PLAIN_URL=http://cursos.otec.test:18183 SENCE_PLAIN_JOURNAL=/tmp/…/journal.log \
//   node provenance.mjs
//
// Run by scripts/browser-test, which starts three demo servers (scripts/demo --background).
// The first two serve the course as cursos.otec.localhost and the simulator as
// sistemas.sence.localhost (SENCE_DEMO_PUBLIC_HOST, SENCE_DEMO_SENCE_HOST), with
// SenceCloseSession On for /curso/; the second one with SenceCallbackOrigin strict. The
// attacker's page is evil.localhost. Chromium resolves *.localhost to loopback itself and
// treats it as potentially trustworthy, so it sends Sec-Fetch-* over plain http, as it would
// to https. Their sites are otec.localhost, sence.localhost and evil.localhost (the last
// label counts as the suffix: sistemas.otec.localhost to cursos.otec.localhost is same-site),
// so SENCE's page and the course are different sites, as in real use. No unsafe browser flag.
// Checked in the attendance journal (SenceJournal, JSON Lines), by IdSesionAlumno:
//
//   1. a real round trip (and a real close) is NOT flagged: cross-site, navigate, Origin
//      SENCE's (or null), more than 2 s after the gate page, no "suspect" field;
//   2. the participant's own form POST from the OTEC's site IS flagged (origin, same-origin);
//   3. a curl POST is flagged (no-fetch-metadata, fast);
//   4. a script's fetch() from a foreign page is flagged (origin, not-navigation); under
//      SenceCallbackOrigin strict a cross-site (and a same-origin) form POST is refused (403,
//      callback_rejected) and the participant's attempt is not used up;
//   5. the status page's suspect.start counter moved by the number of flagged starts;
//   6. plain http to a host that is not loopback (the third server: cursos.otec.test and
//      sistemas.sence.test, which Chromium maps to 127.0.0.1 with --host-resolver-rules):
//      Chromium sends SENCE's Origin but no Sec-Fetch-*, and the server, whose SencePublicURL
//      is such a URL, does not flag the genuine callback for it; a curl forgery is flagged
//      "fast" only.
//
// Uses Debian's /usr/bin/chromium through playwright-core (no browser download). Every
// request the browser makes must stay on the demo servers. Screenshots go to out/.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { OUT, PLATFORM_PASSWORD, RUN, SENCE_PASSWORD, confine, launch, tap } from './lib.mjs';

const run = promisify(execFile);
const env = (name, dflt) => (process.env[name] || dflt).replace(/\/+$/, '');
const BASE = env('SENCE_BASE_URL', 'http://cursos.otec.localhost:8080');
const STRICT = env('SENCE_STRICT_URL', '');
const PLAIN = env('SENCE_PLAIN_URL', '');
const JOURNAL = process.env.SENCE_JOURNAL || '';
const STRICT_JOURNAL = process.env.SENCE_STRICT_JOURNAL || '';
const PLAIN_JOURNAL = process.env.SENCE_PLAIN_JOURNAL || '';
const SENCE_HOST = process.env.SENCE_SENCE_HOST || 'sistemas.sence.localhost';
const EVIL_HOST = process.env.SENCE_EVIL_HOST || 'evil.localhost';
const PLAIN_SENCE_HOST = process.env.SENCE_PLAIN_SENCE_HOST || 'sistemas.sence.test';
// A participant reads the SENCE login page for longer than the "fast" rule's 2 s.
const HUMAN_PAUSE = 2_500;

// One demo server: the course under BASE, SENCE's pages on the same port under SENCE_HOST.
function server(base, journal, senceHost = SENCE_HOST) {
  const u = new URL(base);
  const with_host = (h) => `${u.protocol}//${h}${u.port ? `:${u.port}` : ''}`;
  return {
    base,
    journal,
    course: `${base}/curso/`,
    retoma: `${base}/sence/retoma`,
    sence: with_host(senceHost), // the SENCE endpoint's origin (SenceEndpoint …/rcetest)
    evil: with_host(EVIL_HOST),
    local: with_host('127.0.0.1'), // what node and curl reach without the browser's mapping
    host: u.hostname,
    port: u.port || '80',
  };
}
const S = server(BASE, JOURNAL);
const T = STRICT ? server(STRICT, STRICT_JOURNAL) : null;
const P = PLAIN ? server(PLAIN, PLAIN_JOURNAL, PLAIN_SENCE_HOST) : null;
const SIM_START = (s) => `${s.sence}/rcetest/Registro/IniciarSesion`;
const SIM_CLOSE = (s) => `${s.sence}/rcetest/Registro/CerrarSesion`;
const ALLOWED = new Set([S, T, P].filter(Boolean).flatMap((s) => [s.base, s.sence, s.evil]));

const { check, info, scenario, finish } = tap('provenance');

// ---- the journal ------------------------------------------------------------------------
function journalLines(file) {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return [];
  }
  return text.split('\n').filter(Boolean).map((l) => {
    try {
      return JSON.parse(l);
    } catch (e) {
      return { unparsable: l };
    }
  });
}
// The line EVENT for IdSesionAlumno ID (written before the answer; waits up to 3 s anyway).
async function journalLine(s, event, id) {
  for (let i = 0; i < 30; i++) {
    const line = journalLines(s.journal).find((j) => j.event === event && j.id_sesion_alumno === id);
    if (line) return line;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}
const seen = (j) =>
  j ? JSON.stringify({ origin: j.origin, fetch_site: j.fetch_site, fetch_mode: j.fetch_mode,
    seconds: j.seconds, suspect: j.suspect }) : 'no line';
const reasons = (j) => (j && j.suspect ? j.suspect.split(',') : []);
const report = [];

// The journal line of an accepted callback that must look like SENCE's page.
function checkClean(label, s, j) {
  report.push([label, j]);
  if (!check(`${label}: journal line present`, Boolean(j), 'no line')) return;
  check(`${label}: fetch_site cross-site`, j.fetch_site === 'cross-site', seen(j));
  check(`${label}: fetch_mode navigate`, j.fetch_mode === 'navigate', seen(j));
  check(`${label}: origin is SENCE's page (${s.sence}) or null`,
    j.origin === s.sence || j.origin === 'null', seen(j));
  check(`${label}: seconds >= 2 (a human at the SENCE login)`, j.seconds >= 2, seen(j));
  check(`${label}: no suspect field`, !('suspect' in j), seen(j));
}

// The journal line of an accepted callback that must be flagged with (at least) WANT.
function checkFlagged(label, j, want, also = () => true) {
  report.push([label, j]);
  if (!check(`${label}: accepted (journal start_ok)`, Boolean(j), 'no line')) return;
  check(`${label}: suspect has ${want.join(', ')}`, want.every((w) => reasons(j).includes(w)),
    seen(j));
  check(`${label}: headers recorded as sent`, also(j), seen(j));
}

async function status(s) {
  const r = await fetch(`${s.local}/sence-status?json`);
  if (!r.ok) throw new Error(`status page answered ${r.status}`);
  return r.json();
}

// ---- the browser ------------------------------------------------------------------------
const { offsite, pageErrors, newContext } = confine((o) => ALLOWED.has(o));
// The participant's browser: logged in to the platform (Basic auth).
const participant = (browser, options = {}) =>
  newContext(browser, { httpCredentials: { username: RUN, password: PLATFORM_PASSWORD }, ...options });

// Remembers the IdSesionAlumno (and the fields) of each form posted to SENCE. (What the
// callbacks carried is read from the journal: Playwright's view of request headers lacks
// the Sec-Fetch-* ones the network stack adds.)
function listen(page, s) {
  const ids = { start: [], close: [] };
  const forms = { start: [], close: [] };
  page.on('request', (req) => {
    if (req.method() !== 'POST') return;
    const url = req.url();
    if (url === SIM_START(s) || url === SIM_CLOSE(s)) {
      const f = Object.fromEntries(new URLSearchParams(req.postData() || ''));
      const k = url === SIM_START(s) ? 'start' : 'close';
      ids[k].push(f.IdSesionAlumno);
      forms[k].push(f);
    }
  });
  return { ids, forms };
}

// The hidden fields of the gate page at URL, read with JavaScript off (no auto-submit).
async function gateFields(browser, s) {
  const ctx = await participant(browser, { javaScriptEnabled: false });
  try {
    const page = await ctx.newPage();
    await page.goto(s.course);
    const form = page.locator('form#sence-form');
    const action = await form.getAttribute('action');
    const fields = Object.fromEntries(await form.locator('input[type=hidden]').evaluateAll((els) =>
      els.map((e) => [e.name, e.value])));
    return { action, fields, at: Date.now() };
  } finally {
    await ctx.close();
  }
}

// What SENCE's success carries, for the attempt the gate page opened, forged by the participant.
function success(gate) {
  const f = gate.fields;
  const now = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return {
    CodSence: f.CodSence,
    CodigoCurso: f.CodigoCurso,
    IdSesionAlumno: f.IdSesionAlumno,
    IdSesionSence: [...Array(32)].map(() => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join(''),
    RunAlumno: f.RunAlumno,
    FechaHora: `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())} ${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}`,
    ZonaHoraria: 'America/Santiago',
    LineaCapacitacion: f.LineaCapacitacion,
  };
}

// Builds a form in PAGE (on whatever site it is) and submits it: a top-level form POST.
// Resolves to the callback's HTTP status.
async function submitForm(page, action, fields) {
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.url() === action && r.request().method() === 'POST'),
    page.evaluate(([a, f]) => {
      const form = document.createElement('form');
      form.method = 'post';
      form.action = a;
      for (const [k, v] of Object.entries(f)) {
        const i = document.createElement('input');
        i.type = 'hidden';
        i.name = k;
        i.value = v;
        form.appendChild(i);
      }
      document.body.appendChild(form);
      form.submit();
    }, [action, fields]),
  ]);
  await page.waitForLoadState('load').catch(() => {});
  return resp.status();
}

// Waits until MS have passed since T.
const until = async (t, ms) => {
  const left = t + ms - Date.now();
  if (left > 0) await new Promise((r) => setTimeout(r, left));
};

// curl fetches S's gate page and at once posts the forged success (no browser at all);
// resolves to the journal line of that attempt's start_ok.
async function curlForgery(s, label) {
  const resolve = ['--resolve', `${s.host}:${s.port}:127.0.0.1`];
  const { stdout: html } = await run('curl', ['-sS', '--max-time', '5', ...resolve,
    '-u', `${RUN}:${PLATFORM_PASSWORD}`, s.course]);
  const fields = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)]
    .map((m) => [m[1], m[2]]));
  check(`${label}: the gate page carries an IdSesionAlumno`, (fields.IdSesionAlumno || '').length >= 22,
    html.slice(0, 160));
  const body = new URLSearchParams(success({ fields })).toString();
  const { stdout: code } = await run('curl', ['-sS', '--max-time', '5', ...resolve, '-o', '/dev/null',
    '-w', '%{http_code}', '--data', body, s.retoma]);
  check(`${label}: the forged callback is accepted (303)`, code === '303', code);
  return journalLine(s, 'start_ok', fields.IdSesionAlumno);
}

// Logs in at the simulated SENCE page shown in PAGE after a human's pause; SENCE's page then
// posts back to the course (cross-site), and the browser follows the 303 to NEXT.
async function senceLogin(page, next, shownAt) {
  await page.locator('input[name=run]').fill(RUN);
  await page.locator('input[name=clave]').fill(SENCE_PASSWORD);
  await until(shownAt, HUMAN_PAUSE);
  await Promise.all([page.waitForURL(next), page.getByRole('button', { name: 'Ingresar' }).click()]);
  await page.waitForLoadState('load');
}

// Chromium sends Sec-Fetch-* only to potentially trustworthy URLs: https, or loopback
// (localhost, *.localhost, 127.0.0.0/8, [::1]). It resolves *.localhost to loopback itself;
// the other names (the plain-http server's) are mapped to 127.0.0.1.
const mapped = [...new Set([S, T, P].filter(Boolean).flatMap((s) => [s.base, s.sence, s.evil])
  .map((o) => new URL(o).hostname))].filter((h) => !/(^|\.)localhost$/i.test(h) && h !== '127.0.0.1');
const browser = await launch(mapped);

let flaggedStarts = 0;
try {
  if (!JOURNAL) throw new Error('SENCE_JOURNAL is not set');
  const before = await status(S);
  check('status page answers ?json with suspect counters',
    typeof before?.suspect?.start === 'number' && typeof before?.suspect?.close === 'number',
    JSON.stringify(before?.suspect));
  check(`the course at ${S.host} and SENCE's page at ${SENCE_HOST} are different sites`,
    new URL(S.base).hostname.split('.').slice(-2).join('.') !== SENCE_HOST.split('.').slice(-2).join('.'));

  // 1. The real thing: gate -> SENCE (another site) -> SENCE's page posts back -> course;
  //    then the close: SENCE bar -> close page -> CerrarSesion -> SENCE posts to /cierre.
  await scenario('real round trip and close, SENCE under another host name', async () => {
    const ctx = await participant(browser);
    const page = await ctx.newPage();
    const heard = listen(page, S);
    await page.goto(S.course);
    await page.waitForURL(SIM_START(S));
    const shownAt = Date.now();
    check(`real: the gate sends the browser to SENCE at ${S.sence}`, page.url() === SIM_START(S),
      page.url());
    check(`real: SENCE's page at ${S.sence} is a secure context over http (a loopback name)`,
      await page.evaluate(() => window.isSecureContext));
    await page.screenshot({ path: join(OUT, '11-prov-sence-login.png'), fullPage: true });
    await senceLogin(page, S.course, shownAt);
    check('real: back at the course with its content (cookie set across sites)',
      page.url() === S.course && (await page.locator('#contenido-curso').isVisible()), page.url());
    await page.screenshot({ path: join(OUT, '12-prov-course.png'), fullPage: true });
    const id = heard.ids.start[0];
    checkClean('real start', S, await journalLine(S, 'start_ok', id));

    // The close, as the participant asks for it from the SENCE bar.
    const bar = page.locator('a.sence-close');
    check('real: the SENCE bar offers "Cerrar sesión SENCE"', await bar.isVisible());
    await bar.click();
    await page.waitForLoadState('load');
    await Promise.all([
      page.waitForURL(SIM_CLOSE(S)),
      page.getByRole('button', { name: 'Cerrar sesión en SENCE' }).click(),
    ]);
    const closeShownAt = Date.now();
    await senceLogin(page, `${S.base}/sence/cierre`, closeShownAt);
    const h1 = await page.locator('h1').innerText();
    check('real close: "Sesión SENCE cerrada"', /Sesión SENCE cerrada/.test(h1), h1);
    await page.screenshot({ path: join(OUT, '13-prov-closed.png'), fullPage: true });
    checkClean('real close', S, await journalLine(S, 'close_ok', heard.ids.close[0]));
    await ctx.close();
  });

  // 2. The participant forges their own success from a page of the OTEC's site.
  await scenario('same-origin forgery (the participant, from the course\'s own site)', async () => {
    const gate = await gateFields(browser, S);
    check('same-origin: the gate form posts to SENCE under its own host name',
      gate.action === SIM_START(S), gate.action);
    const ctx = await newContext(browser); // a fresh context: no platform login, no cookie
    const page = await ctx.newPage();
    await page.goto(`${S.base}/`);
    await until(gate.at, HUMAN_PAUSE); // not "fast": a patient forger is flagged all the same
    const code = await submitForm(page, S.retoma, success(gate));
    check('same-origin: the forged callback is accepted (303)', code === 303, code);
    await page.screenshot({ path: join(OUT, '14-prov-forged-same-origin.png'), fullPage: true });
    const j = await journalLine(S, 'start_ok', gate.fields.IdSesionAlumno);
    checkFlagged('same-origin forgery', j, ['same-origin', 'origin'],
      (l) => l.fetch_site === 'same-origin' && l.origin === S.base && l.fetch_mode === 'navigate');
    if (j && j.suspect) flaggedStarts++;
    await ctx.close();
  });

  // 3. curl: the gate page, then at once the forged success (no browser at all).
  await scenario('curl forgery', async () => {
    const j = await curlForgery(S, 'curl');
    checkFlagged('curl forgery', j, ['no-fetch-metadata', 'fast'],
      (l) => !('origin' in l) && !('fetch_site' in l) && !('fetch_mode' in l));
    if (j && j.suspect) flaggedStarts++;
  });

  // 4a. A script's fetch() from a foreign site, no-cors, without credentials.
  await scenario(`fetch() from a foreign page (${EVIL_HOST})`, async () => {
    const gate = await gateFields(browser, S);
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await page.goto(`${S.evil}/`);
    const statusSeen = page.waitForResponse((r) => r.url() === S.retoma).then((r) => r.status());
    const type = await page.evaluate(async ([url, f]) => {
      const r = await fetch(url, { method: 'POST', mode: 'no-cors', credentials: 'omit',
        body: new URLSearchParams(f) });
      return r.type;
    }, [S.retoma, success(gate)]);
    const code = await statusSeen;
    check('fetch: the script sees an opaque answer; the server accepted it (303)',
      type === 'opaque' && code === 303, `${type} ${code}`);
    const j = await journalLine(S, 'start_ok', gate.fields.IdSesionAlumno);
    checkFlagged('fetch() from a foreign page', j, ['origin', 'not-navigation'],
      (l) => l.origin === S.evil && l.fetch_site === 'cross-site' && l.fetch_mode === 'no-cors');
    if (j && j.suspect) flaggedStarts++;
    await ctx.close();
  });

  // 5. The status page counted exactly the flagged starts, and the clean close as clean.
  await scenario('status page counters', async () => {
    const after = await status(S);
    check(`status: suspect.start moved by the ${flaggedStarts} flagged starts`,
      flaggedStarts >= 3 && after.suspect.start - before.suspect.start === flaggedStarts,
      `${before.suspect.start} -> ${after.suspect.start}, flagged ${flaggedStarts}`);
    check('status: suspect.close did not move (the real close is clean)',
      after.suspect.close === before.suspect.close,
      `${before.suspect.close} -> ${after.suspect.close}`);
    const flaggedInJournal = journalLines(S.journal).filter((j) => j.event === 'start_ok' && j.suspect).length;
    check('status: as many flagged start_ok lines in the journal',
      flaggedInJournal === after.suspect.start - before.suspect.start, flaggedInJournal);
  });

  // 6. Plain http to a host that is not loopback (SencePublicURL http://cursos.otec.test:…):
  //    Chromium sends SENCE's Origin but no Sec-Fetch-* at all, so their absence proves
  //    nothing there and the server does not flag it; a quick curl is still "fast".
  if (!P) {
    check('plain-http server given (SENCE_PLAIN_URL)', false, 'not set');
  } else {
    await scenario(`plain http to ${P.host}: what Chromium sends, and what is flagged`, async () => {
      const before = await status(P);
      const ctx = await participant(browser);
      const page = await ctx.newPage();
      const heard = listen(page, P);
      await page.goto(P.course);
      await page.waitForURL(SIM_START(P));
      const shownAt = Date.now();
      check(`plain http: SENCE's page at ${P.sence} is not a secure context`,
        !(await page.evaluate(() => window.isSecureContext)));
      await senceLogin(page, P.course, shownAt);
      check('plain http: the real round trip reaches the course',
        page.url() === P.course && (await page.locator('#contenido-curso').isVisible()), page.url());
      const j = await journalLine(P, 'start_ok', heard.ids.start[0]);
      report.push(['plain-http real start', j]);
      check('plain http: Chromium sent SENCE\'s Origin but no Sec-Fetch-Site / Sec-Fetch-Mode',
        Boolean(j) && j.origin === P.sence && !('fetch_site' in j) && !('fetch_mode' in j), seen(j));
      check('plain http: the genuine start is not flagged (no fetch metadata is expected there)',
        Boolean(j) && !('suspect' in j) && j.seconds >= 2, seen(j));
      await ctx.close();
      const c = await curlForgery(P, 'plain http curl');
      report.push(['plain-http curl forgery', c]);
      check('plain http: a quick curl forgery is flagged "fast" only (not no-fetch-metadata)',
        Boolean(c) && c.suspect === 'fast', seen(c));
      const after = await status(P);
      check('plain http: status suspect.start moved by 1 (the curl forgery)',
        after.suspect.start - before.suspect.start === 1,
        `${before.suspect.start} -> ${after.suspect.start}`);
    });
  }

  // 4b. SenceCallbackOrigin strict: a foreign Origin is refused before the attempt is taken.
  if (!T) {
    check('strict server given (SENCE_STRICT_URL)', false, 'not set');
  } else {
    await scenario('SenceCallbackOrigin strict', async () => {
      const before = await status(T);
      const ctx = await participant(browser);
      const page = await ctx.newPage();
      const heard = listen(page, T);
      await page.goto(T.course);
      await page.waitForURL(SIM_START(T));
      const shownAt = Date.now();
      const id = heard.ids.start[0];
      check('strict: the participant is at SENCE\'s login with a pending attempt',
        (id || '').length >= 22, id);
      // Meanwhile, the participant's forged success from a foreign page, and from the course's
      // own site: both carry an Origin that is not SENCE's.
      const forge = await newContext(browser);
      const fp = await forge.newPage();
      const fields = success({ fields: heard.forms.start[0] });
      for (const [label, from, shot] of [
        [`cross-site form POST from ${EVIL_HOST}`, `${T.evil}/`, '15-prov-strict-403.png'],
        ['same-origin form POST from the course\'s site', `${T.base}/`, null],
      ]) {
        await fp.goto(from);
        const code = await submitForm(fp, T.retoma, fields);
        check(`strict: ${label} refused (403)`, code === 403, code);
        if (shot) await fp.screenshot({ path: join(OUT, shot), fullPage: true });
      }
      const rejected = journalLines(T.journal).filter((j) => j.event === 'callback_rejected' &&
        j.id_sesion_alumno === id);
      check('strict: two callback_rejected lines for that IdSesionAlumno, naming strict',
        rejected.length === 2 && rejected.every((j) => /SenceCallbackOrigin strict/.test(j.reason || '')),
        JSON.stringify(rejected.map((j) => j.reason)));
      check('strict: no start_ok for the refused posts',
        !journalLines(T.journal).some((j) => j.event === 'start_ok' && j.id_sesion_alumno === id));
      await forge.close();
      // The genuine callback for the same attempt still works.
      await senceLogin(page, T.course, shownAt);
      check('strict: the genuine callback afterwards opens the course (attempt not used up)',
        page.url() === T.course && (await page.locator('#contenido-curso').isVisible()), page.url());
      await page.screenshot({ path: join(OUT, '16-prov-strict-course.png'), fullPage: true });
      checkClean('strict genuine start', T, await journalLine(T, 'start_ok', id));
      const after = await status(T);
      check('strict: status counts 2 more callback_rejected and no suspect start',
        after.events.callback_rejected - before.events.callback_rejected === 2 &&
          after.suspect.start === before.suspect.start,
        `rejected ${before.events.callback_rejected} -> ${after.events.callback_rejected}, ` +
          `suspect ${before.suspect.start} -> ${after.suspect.start}`);
      await ctx.close();
    });
  }

  check('no request left the demo servers', offsite.length === 0, offsite.join(' '));
  check('no script errors', pageErrors.length === 0, pageErrors.join(' | '));
} catch (e) {
  check('provenance: ran to the end', false, String(e && e.message ? e.message : e).split('\n')[0]);
} finally {
  await browser.close();
}

for (const [label, j] of report) info(`journal ${label}: ${seen(j)}`);
finish();
