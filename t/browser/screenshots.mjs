// The participant's pages, photographed for the docs (docs/img/), at desktop and phone width:
// the gate page, SENCE's login (the simulator), SENCE's error, the course with the "session
// started" notice and the SENCE bar, the bar's last ten minutes, the close page, the closed
// page, and the Moodle-mode gate (which names the course). Run by scripts/screenshots against
// a demo server; each shot is also a check that the page is the one expected.
//
//   SENCE_BASE_URL=http://127.0.0.1:18180 SENCE_BROWSER_OUT=docs/img node screenshots.mjs
import { join } from 'node:path';
import { OUT, PLATFORM_PASSWORD, RUN, SENCE_PASSWORD, confine, launch, tap } from './lib.mjs';

const BASE = (process.env.SENCE_BASE_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const origin = new URL(BASE).origin;
const COURSE = `${BASE}/curso/`;
const SIM = /\/rcetest\/Registro\/(IniciarSesion|CerrarSesion)$/;
const WIDTHS = { desktop: { width: 1024, height: 720 }, phone: { width: 390, height: 780 } };

const { check, scenario, finish } = tap('screenshots');
const confined = confine((o) => o === origin);
const browser = await launch();

async function shot(page, name, form) {
  await page.screenshot({ path: join(OUT, `${name}-${form}.png`), fullPage: true });
}

try {
  for (const [form, viewport] of Object.entries(WIDTHS)) {
    await scenario(`${form}: gate, SENCE, course, bar, close`, async () => {
      const ctx = await confined.newContext(browser, {
        viewport, httpCredentials: { username: RUN, password: PLATFORM_PASSWORD },
      });
      // The gate page as it shows for the moment before it sends the browser on.
      const still = await ctx.newPage();
      await still.route('**/sence/sence.js', (route) => route.fulfill({ body: '' }));
      await still.goto(COURSE);
      check(`${form}: gate page`, (await still.locator('h1').innerText()) === 'Registro de asistencia SENCE');
      await shot(still, 'gate', form);
      await still.close();

      const page = await ctx.newPage();
      await page.goto(COURSE);
      await page.waitForURL(SIM);
      check(`${form}: SENCE's login (the simulator)`, await page.locator('input[name=clave]').isVisible());
      await shot(page, 'sence-login', form);
      await page.locator('input[name=run]').fill(RUN);
      await page.locator('input[name=clave]').fill(SENCE_PASSWORD);
      await Promise.all([page.waitForURL(COURSE), page.getByRole('button', { name: 'Ingresar' }).click()]);
      await page.waitForLoadState('load');
      check(`${form}: course with the "session started" notice and the bar`,
        (await page.locator('.sence-notice').isVisible()) && (await page.locator('#sence-bar').isVisible()));
      await shot(page, 'session-started', form);

      const expires = Number(await page.locator('#sence-bar').getAttribute('data-expires'));
      await page.clock.setFixedTime(new Date((expires - 537) * 1000));
      await page.goto(`${BASE}/curso/modulo2.html`);
      check(`${form}: the bar's last ten minutes`,
        /termina en 8 min 57 s/.test(await page.locator('#sence-left').innerText()));
      await shot(page, 'bar-ending', form);
      await page.close();

      const close = await ctx.newPage();
      await close.goto(`${BASE}/curso/modulo2.html`);
      await close.locator('a.sence-close').click();
      await close.waitForLoadState('load');
      check(`${form}: close page`, (await close.locator('h1').innerText()) === 'Cerrar sesión SENCE');
      await shot(close, 'close', form);
      await Promise.all([close.waitForURL(SIM),
        close.getByRole('button', { name: 'Cerrar sesión en SENCE' }).click()]);
      await close.locator('input[name=run]').fill(RUN);
      await close.locator('input[name=clave]').fill(SENCE_PASSWORD);
      await Promise.all([close.waitForURL(/\/sence\/cierre$/),
        close.getByRole('button', { name: 'Ingresar' }).click()]);
      await close.waitForLoadState('load');
      check(`${form}: closed page`, /Sesión SENCE cerrada/.test(await close.locator('h1').innerText()));
      await shot(close, 'closed', form);
      await ctx.close();
    });

    await scenario(`${form}: SENCE's error`, async () => {
      const ctx = await confined.newContext(browser, {
        viewport, httpCredentials: { username: RUN, password: PLATFORM_PASSWORD },
      });
      const page = await ctx.newPage();
      await page.goto(COURSE);
      await page.waitForURL(SIM);
      await page.locator('input[name=run]').fill(RUN);
      await page.locator('input[name=clave]').fill('incorrecta');
      await Promise.all([page.waitForURL(/\/sence\/error$/), page.getByRole('button', { name: 'Ingresar' }).click()]);
      await page.waitForLoadState('load');
      check(`${form}: error page`, /No se pudo iniciar/.test(await page.locator('h1').innerText()));
      await shot(page, 'sence-error', form);
      await ctx.close();
    });

    await scenario(`${form}: Moodle mode gate`, async () => {
      const ctx = await confined.newContext(browser, { viewport, javaScriptEnabled: false });
      const page = await ctx.newPage();
      await page.goto(`${BASE}/moodle/login/as/alumno1`);
      await page.goto(`${BASE}/moodle/course/view.php?id=2`);
      check(`${form}: Moodle gate names the course`,
        /Excel intermedio/.test(await page.locator('.sence-about').innerText()));
      await shot(page, 'moodle-gate', form);
      await ctx.close();
    });
  }
  check('no request left the demo server', confined.offsite.length === 0, confined.offsite.join(' '));
} finally {
  await browser.close();
}
finish();
