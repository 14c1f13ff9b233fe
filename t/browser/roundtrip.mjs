// Headless Chromium round trip through mod_sence and the SENCE simulator.
//
//   SENCE_BASE_URL=http://127.0.0.1:18180 node roundtrip.mjs
//
// Run by scripts/browser-test, which starts the demo server (scripts/demo --background).
// Scenarios: the Basic-auth course /curso/ (gate, round trip, wrong password) and the
// Moodle-like site /moodle/ in Moodle mode (gate from Moodle's tables, round trip, who is
// gated: student, exempt group, editing teacher, logged out, not-configured course).
// Uses Debian's /usr/bin/chromium through playwright-core (no browser download). Every
// request the browser makes must stay on the demo server: anything else is aborted and
// counted as a failure. Screenshots go to out/ next to this file.
import { join } from 'node:path';
import { OUT, PLATFORM_PASSWORD, RUN, SENCE_PASSWORD, confine, launch, tap } from './lib.mjs';

const BASE = (process.env.SENCE_BASE_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const FIELDS = [
  'RutOtec', 'Token', 'CodSence', 'CodigoCurso', 'LineaCapacitacion',
  'RunAlumno', 'IdSesionAlumno', 'UrlRetoma', 'UrlError',
];
const origin = new URL(BASE).origin;
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const SIM_LOGIN = new RegExp(`^${esc(origin)}/rcetest/Registro/IniciarSesion$`);
const COURSE = `${BASE}/curso/`;
// Moodle mode: the Moodle-like site of scripts/demo, gated from the SQLite fixture.
const MOODLE = `${BASE}/moodle`;
const MCOURSE = (id) => `${MOODLE}/course/view.php?id=${id}`;
const MLOGIN = `${MOODLE}/login/index.php`;
// UTF-8 shown as Latin-1 ("sesiÃ³n"): what a participant sees when accents are mangled.
const MOJIBAKE = /Ã.|Â|\uFFFD/;

const { check, scenario, finish } = tap('browser');
// Loopback only: never let the browser reach anything but the demo server. The participant
// is logged in to the platform (Basic auth) in every context.
const confined = confine((o) => o === origin);
const { offsite } = confined;
const newContext = (browser, options = {}) => confined.newContext(browser,
  { httpCredentials: { username: RUN, password: PLATFORM_PASSWORD }, ...options });
const browser = await launch();

try {
  // 1. The gate page itself, with JavaScript off so that it does not auto-submit.
  await scenario('gate page (JavaScript disabled)', async () => {
    const ctx = await newContext(browser, { javaScriptEnabled: false });
    const page = await ctx.newPage();
    const resp = await page.goto(COURSE);
    check('gate: /curso/ answers 200', resp && resp.status() === 200, resp && resp.status());
    check('gate: Cache-Control no-store',
      /no-store/.test((resp && resp.headers()['cache-control']) || ''),
      resp && resp.headers()['cache-control']);
    check('gate: URL stays /curso/ without JavaScript', page.url() === COURSE, page.url());
    const body = await page.locator('body').innerText();
    check('gate: Spanish explanation shown',
      /registra su asistencia en SENCE/i.test(body) && /Clave Única/.test(body), body.slice(0, 200));
    const title = await page.title();
    check('gate: accents intact (no mojibake)', !MOJIBAKE.test(body + title),
      (body + title).match(MOJIBAKE)?.[0]);
    const button = page.getByRole('button', { name: 'Iniciar sesión en SENCE' });
    check('gate: button "Iniciar sesión en SENCE" visible', await button.isVisible());
    const form = page.locator('form#sence-form');
    check('gate: form POSTs to the simulator IniciarSesion',
      (await form.getAttribute('method'))?.toLowerCase() === 'post' &&
        SIM_LOGIN.test((await form.getAttribute('action')) || ''),
      await form.getAttribute('action'));
    const hidden = await form.locator('input[type=hidden]').evaluateAll((els) =>
      els.map((e) => [e.name, e.value]));
    const names = hidden.map(([n]) => n);
    check('gate: exactly the 9 SENCE hidden fields',
      names.length === 9 && FIELDS.every((f) => names.includes(f)), names.join(','));
    const v = Object.fromEntries(hidden);
    check('gate: field values (RUN, codes, line, callbacks)',
      v.RunAlumno === RUN && v.RutOtec === '76543210-3' && v.CodSence === '1237654321' &&
        v.CodigoCurso === 'RLAB-19-02-08-0071-1' && v.LineaCapacitacion === '3' &&
        /^[0-9a-f-]{36}$/i.test(v.Token || '') && (v.IdSesionAlumno || '').length >= 22 &&
        v.UrlRetoma?.startsWith(origin) && v.UrlError?.startsWith(origin),
      JSON.stringify({ ...v, Token: v.Token ? `${v.Token.length} chars` : v.Token }));
    check('gate: no inline script (external sence.js only)',
      (await page.locator('script:not([src])').count()) === 0 &&
        (await page.locator('script[src]').count()) === 1);
    await page.screenshot({ path: join(OUT, '01-gate.png'), fullPage: true });
    await ctx.close();
  });

  // 2. The round trip: gate -> simulator login -> back to the course.
  await scenario('round trip (right SENCE password)', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await page.goto(COURSE);
    await page.waitForURL(SIM_LOGIN);
    check('roundtrip: gate auto-submits to the simulator IniciarSesion', SIM_LOGIN.test(page.url()),
      page.url());
    const clave = page.locator('input[name=clave]');
    check('roundtrip: simulator asks for the password',
      (await clave.getAttribute('type')) === 'password' && (await clave.isVisible()) &&
        (await page.locator('input[name=run]').isVisible()));
    await page.locator('input[name=run]').fill(RUN);
    await clave.fill(SENCE_PASSWORD);
    await page.screenshot({ path: join(OUT, '02-sim-login.png'), fullPage: true });
    await Promise.all([
      page.waitForURL(COURSE),
      page.getByRole('button', { name: 'Ingresar' }).click(),
    ]);
    await page.waitForLoadState('load');
    check('roundtrip: back at /curso/ after SENCE', page.url() === COURSE, page.url());
    const content = page.locator('#contenido-curso');
    check('roundtrip: course content visible',
      (await content.isVisible()) && /Excel intermedio/.test(await page.locator('h1').innerText()) &&
        /Módulo 1/.test(await content.innerText()));
    const courseText = (await page.title()) + (await page.locator('body').innerText());
    check('roundtrip: accents intact on the course page (no mojibake)', !MOJIBAKE.test(courseText),
      courseText.match(new RegExp(`.{0,20}(${MOJIBAKE.source}).{0,20}`))?.[0]);
    check('roundtrip: course assets load (logo image)',
      await page.locator('header img').evaluate((img) => img.complete && img.naturalWidth > 0));
    const cookies = await ctx.cookies(BASE);
    const sess = cookies.find((c) => c.httpOnly && c.sameSite === 'Lax' && c.path === '/');
    check('roundtrip: session cookie is HttpOnly, SameSite=Lax',
      Boolean(sess), JSON.stringify(cookies.map((c) => [c.name, c.httpOnly, c.sameSite, c.path])));
    await page.screenshot({ path: join(OUT, '03-course.png'), fullPage: true });
    // Another page of the course opens directly: no gate while the session lives.
    await page.goto(`${BASE}/curso/modulo2.html`);
    check('roundtrip: second course page opens without the gate',
      page.url() === `${BASE}/curso/modulo2.html` &&
        /Tablas dinámicas/.test(await page.locator('#contenido-curso').innerText()), page.url());
    // The SENCE bar (the demo closes sessions): its countdown, and in the last ten minutes
    // the end in words ("8 min 57 s"), not a clock.
    const bar = page.locator('#sence-bar');
    check('bar: the SENCE bar with its close link is on the course page',
      (await bar.isVisible()) && (await bar.locator('a.sence-close').count()) === 1);
    const expires = Number(await bar.getAttribute('data-expires'));
    check('bar: "quedan … min" while the session is long',
      /quedan (\d+ h )?\d+ min$/.test((await page.locator('#sence-left').innerText()).trim()),
      await page.locator('#sence-left').innerText());
    await page.clock.setFixedTime(new Date((expires - 537) * 1000));
    await page.reload();
    await page.waitForLoadState('load');
    const left = (await page.locator('#sence-left').innerText()).trim();
    check('bar: 537 s before the end it reads "su sesión SENCE termina en 8 min 57 s"',
      left === '· su sesión SENCE termina en 8 min 57 s' &&
        /sence-warn/.test((await bar.getAttribute('class')) || ''), left);
    await page.screenshot({ path: join(OUT, '03b-bar-warning.png'), fullPage: true });
    await ctx.close();
  });

  // 3. Wrong password at SENCE: error page with code 312, retry link, no session.
  await scenario('wrong SENCE password', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await page.goto(COURSE);
    await page.waitForURL(SIM_LOGIN);
    await page.locator('input[name=run]').fill(RUN);
    await page.locator('input[name=clave]').fill('incorrecta');
    await Promise.all([
      page.waitForURL(/\/sence\/error$/),
      page.getByRole('button', { name: 'Ingresar' }).click(),
    ]);
    await page.waitForLoadState('load');
    check('error: simulator posts back to the module UrlError', /\/sence\/error$/.test(page.url()),
      page.url());
    const heading = await page.locator('h1').innerText();
    check('error: heading "No se pudo iniciar la sesión SENCE"',
      heading.trim() === 'No se pudo iniciar la sesión SENCE', heading);
    const errBody = (await page.title()) + (await page.locator('body').innerText());
    check('error: accents intact (no mojibake)', !MOJIBAKE.test(errBody),
      errBody.match(new RegExp(`.{0,20}(${MOJIBAKE.source}).{0,20}`))?.[0]);
    const items = await page.locator('li').allInnerTexts();
    check('error: code 312 listed with its Spanish description',
      items.some((t) => /\b312\b/.test(t) && /autenticaci[oó]n/i.test(t) && /Clave Única/.test(t)),
      JSON.stringify(items));
    const retry = page.getByRole('link', { name: 'Reintentar' });
    check('error: "Reintentar" link present', await retry.isVisible());
    const href = await retry.getAttribute('href');
    check('error: "Reintentar" goes back to the course', new URL(href, BASE).href === COURSE, href);
    await page.screenshot({ path: join(OUT, '04-error.png'), fullPage: true });
    const again = await ctx.request.get(COURSE);
    const html = await again.text();
    check('error: /curso/ still shows the gate (no session)',
      again.status() === 200 && /id="sence-form"/.test(html) && !/contenido-curso/.test(html),
      `${again.status()} ${html.slice(0, 120)}`);
    await Promise.all([page.waitForURL(SIM_LOGIN), retry.click()]);
    check('error: "Reintentar" leads to the SENCE login again', SIM_LOGIN.test(page.url()), page.url());
    await ctx.close();
  });

  // 4. Moodle mode, JavaScript off: alumno1 (a student of course 2 without a SENCE session)
  //    gets the gate on course 2 and 3, course 4 (not configured) and the site pages open.
  await scenario('Moodle: gate page for alumno1 (JavaScript disabled)', async () => {
    const ctx = await newContext(browser, { javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(MOODLE + '/');
    check('moodle: home page "Plataforma de capacitación" with the courses and demo logins',
      /Plataforma de capacitación/.test(await page.locator('h1').innerText()) &&
        (await page.locator('#frontpage-course-list .coursebox').count()) === 3 &&
        (await page.locator('#demo-login a[href^="/moodle/login/as/"]').count()) === 5);
    const css = await ctx.request.get(`${MOODLE}/theme/boost/style.css`);
    check('moodle: theme CSS is served (not gated)',
      css.status() === 200 && /text\/css/.test(css.headers()['content-type'] || ''), css.status());
    await page.goto(`${MOODLE}/login/as/alumno1`);
    check('moodle: demo login as alumno1 lands on the dashboard', page.url() === `${MOODLE}/my/`,
      page.url());
    const mcookie = (await ctx.cookies(BASE)).find((c) => c.name === 'MoodleSession');
    check('moodle: MoodleSession=sid-alumno1 (HttpOnly, path /) arrived',
      mcookie && mcookie.value === 'sid-alumno1' && mcookie.httpOnly && mcookie.path === '/',
      JSON.stringify(mcookie));
    const dash = await page.locator('#mis-cursos').innerText();
    check('moodle: dashboard shows Ana Alumna Uno and her courses',
      /Ana Alumna Uno/.test(dash) && /Excel intermedio/.test(dash) && /Curso libre/.test(dash),
      dash.slice(0, 160));
    // Course overview images of a gated course are public (as in Moodle): no SENCE session yet.
    await page.goto(MOODLE + '/');
    const imgs = await page.locator('#frontpage-course-list img').evaluateAll((els) =>
      els.map((img) => img.complete && img.naturalWidth > 0));
    check('moodle: course overview images load without a SENCE session (public files)',
      imgs.length === 3 && imgs.every(Boolean), JSON.stringify(imgs));
    const resp = await page.goto(MCOURSE(2));
    check('moodle: course 2 answers 200 with the gate, URL unchanged',
      resp && resp.status() === 200 && page.url() === MCOURSE(2), `${resp && resp.status()} ${page.url()}`);
    const form = page.locator('form#sence-form');
    const hidden = await form.locator('input[type=hidden]').evaluateAll((els) =>
      els.map((e) => [e.name, e.value]));
    const v = Object.fromEntries(hidden);
    check('moodle: gate fields for course 2 (RUN from the ID number, CodigoCurso = course ID number)',
      hidden.length === 9 && v.RunAlumno === RUN && v.CodSence === '1237654321' &&
        v.CodigoCurso === 'RLAB-19-02-08-0071-1' && v.LineaCapacitacion === '3' &&
        v.RutOtec === '76543210-3' && SIM_LOGIN.test((await form.getAttribute('action')) || ''),
      JSON.stringify({ ...v, Token: undefined }));
    check('moodle: no course content behind the gate',
      (await page.locator('#region-main').count()) === 0);
    const gateText = (await page.title()) + (await page.locator('body').innerText());
    check('moodle: gate accents intact (no mojibake)', !MOJIBAKE.test(gateText),
      gateText.match(MOJIBAKE)?.[0]);
    await page.screenshot({ path: join(OUT, '05-moodle-gate.png'), fullPage: true });
    // Course 3 (configured by shortname, explicit CodigoCurso): its own codes.
    const c3 = await (await ctx.request.get(MCOURSE(3))).text();
    check('moodle: course 3 (WORD-BAS) gate carries its codes',
      /name="CodSence" value="2234567890"/.test(c3) &&
        /name="CodigoCurso" value="RLAB-20-01-01-0001-1"/.test(c3) &&
        /name="RunAlumno" value="12345678-5"/.test(c3), c3.slice(0, 160));
    // An activity of course 2, by course-module id, is gated too.
    const act = await (await ctx.request.get(`${MOODLE}/mod/page/view.php?id=201`)).text();
    check('moodle: activity of course 2 (mod/page/view.php?id=201) is gated',
      /id="sence-form"/.test(act) && !/region-main/.test(act), act.slice(0, 120));
    // Course 4 (LIBRE) is not configured: open without SENCE.
    const r4 = await page.goto(MCOURSE(4));
    check('moodle: course 4 (not configured) opens for alumno1 without SENCE',
      r4 && r4.status() === 200 && page.url() === MCOURSE(4) &&
        (await page.locator('form#sence-form').count()) === 0 &&
        /Curso libre/.test(await page.locator('h1').innerText()), `${r4 && r4.status()} ${page.url()}`);
    // The site's pages are rendered from the URL PHP would read: course 2 spelt as Moodle
    // would still read it (PATH_INFO after view.php, the last id= of the query) is gated.
    const spelt = await (await ctx.request.get(`${MOODLE}/course/view.php/x?id=4&id=2`)).text();
    check('moodle: course 2 as view.php/x?id=4&id=2 (PHP reads the last id) is gated',
      /id="sence-form"/.test(spelt) && !/region-main/.test(spelt), spelt.slice(0, 120));
    await ctx.close();
  });

  // 5. Moodle mode round trip and who passes: alumno1 -> SENCE -> course 2; then, in the
  //    same browser, alumno2 (gated again), becario (exempt group), profesor (editing
  //    teacher), logout (left to Moodle's login).
  await scenario('Moodle: round trip and per-user gating', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await page.goto(`${MOODLE}/login/as/alumno1`);
    await page.getByRole('link', { name: 'Excel intermedio' }).first().click();
    await page.waitForURL(SIM_LOGIN);
    check('moodle roundtrip: gate auto-submits to the simulator', SIM_LOGIN.test(page.url()),
      page.url());
    await page.locator('input[name=run]').fill(RUN);
    await page.locator('input[name=clave]').fill(SENCE_PASSWORD);
    await Promise.all([
      page.waitForURL(MCOURSE(2)),
      page.getByRole('button', { name: 'Ingresar' }).click(),
    ]);
    await page.waitForLoadState('load');
    check('moodle roundtrip: back on /moodle/course/view.php?id=2', page.url() === MCOURSE(2),
      page.url());
    const notice = page.locator('.sence-notice');
    check('moodle roundtrip: green "sesión SENCE iniciada" notice shown',
      (await notice.isVisible()) && /Su sesión SENCE fue iniciada/.test(await notice.innerText()) &&
        (await notice.evaluate((el) => getComputedStyle(el).backgroundColor)) !== 'rgba(0, 0, 0, 0)');
    check('moodle roundtrip: course page of Excel intermedio for Ana Alumna Uno',
      /Excel intermedio/.test(await page.locator('h1').innerText()) &&
        (await page.locator('#region-main .activity').count()) === 4 &&
        /Ana Alumna Uno/.test(await page.locator('.usermenu').innerText()));
    check('moodle roundtrip: gated section image (pluginfile.php, course context) loads',
      await page.locator('#imagen-seccion').evaluate((img) => img.complete && img.naturalWidth > 0));
    const text = (await page.title()) + (await page.locator('body').innerText());
    check('moodle roundtrip: accents intact (no mojibake)', !MOJIBAKE.test(text),
      text.match(new RegExp(`.{0,20}(${MOJIBAKE.source}).{0,20}`))?.[0]);
    await page.screenshot({ path: join(OUT, '06-moodle-course.png'), fullPage: true });
    await page.getByRole('link', { name: 'Módulo 1: fórmulas' }).click();
    await page.waitForLoadState('load');
    check('moodle roundtrip: activity page opens directly, notice only once',
      page.url() === `${MOODLE}/mod/page/view.php?id=201` &&
        /Módulo 1: fórmulas/.test(await page.locator('h1').innerText()) &&
        (await page.locator('.sence-notice').count()) === 0, page.url());

    // Another Moodle account in the same browser: alumno1's SENCE session does not carry over.
    await page.goto(`${MOODLE}/login/as/alumno2`);
    const a2 = await (await ctx.request.get(MCOURSE(2))).text();
    check('moodle: alumno2 in the same browser gets the gate (RUN 11111111-1)',
      /id="sence-form"/.test(a2) && /name="RunAlumno" value="11111111-1"/.test(a2),
      a2.slice(0, 160));
    for (const [user, name, why] of [
      ['becario', 'Carla Becaria', 'exempt group Becarios'],
      ['profesor', 'Diego Profesor', 'editing teacher'],
    ]) {
      await page.goto(`${MOODLE}/login/as/${user}`);
      const resp = await page.goto(MCOURSE(2));
      check(`moodle: ${user} (${why}) opens course 2 directly`,
        resp && resp.status() === 200 && page.url() === MCOURSE(2) &&
          (await page.locator('form#sence-form').count()) === 0 &&
          (await page.locator('#region-main .activity').count()) === 4 &&
          (await page.locator('.usermenu').innerText()).includes(name),
        `${resp && resp.status()} ${page.url()}`);
    }
    // Logged out: the course is Moodle's business (its login page), never SENCE's.
    await page.goto(`${MOODLE}/login/logout`);
    await page.goto(MCOURSE(2));
    check('moodle: logged out, course 2 goes to Moodle\'s login page, not to SENCE',
      page.url() === MLOGIN && (await page.locator('#demo-login').isVisible()), page.url());
    // Back as alumno1: report (not assert) whether the SENCE session survived the logout.
    await page.goto(`${MOODLE}/login/as/alumno1`);
    const again = await (await ctx.request.get(MCOURSE(2))).text();
    console.log(`# info: alumno1 after Moodle logout and login again: ${
      /id="sence-form"/.test(again) ? 'gate (SENCE session ended)' : 'course (SENCE session kept)'}`);
    await ctx.close();
  });

  check('no request left the demo server', offsite.length === 0, offsite.join(' '));
  const errors = [...confined.cspErrors, ...confined.pageErrors];
  check('no Content-Security-Policy or script errors', errors.length === 0, errors.join(' | '));
} finally {
  await browser.close();
}
finish();
