#!/usr/bin/env node
// Browser test of the benefits simulator, in headless Chromium:
//   without an account, from the sign-in page → the public simulator, which says it keeps nothing → a job of
//   24 h a week at 60 % of incapacity that ends: the RSDAE warning and the months after the job (axe on both);
//   log in → « Simulateur de droits » in the main navigation → fill the situation and two scenarios →
//   results: chart, comparison table, one table per scenario, explanations → print view as a PDF;
//   then a form with an error, shown next to its field with the input kept.
// An accessibility audit (axe-core) runs on the empty form, the results and the form with an error.
//
// Usage: node web/e2e/simulator.mjs <base-url> <email> <password> <pdf-path> <screenshot-path> <expected-total>
//   <expected-total>: the total of scenario 1 in its first month of work (March 2026), as the page writes it
//   (« 1 653,47 € »), computed by the test from the library.
//
// Exit code 0 when every check passes and axe finds no violation of impact "serious" or "critical";
// 1 otherwise, with a readable report on stderr; 2 on a usage error.
// PASSERELLE_CHROMIUM overrides the browser executable (default /usr/bin/chromium).

import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { auditPage, check, themeStarted, openPage, pathOf, runJourney, menuLink } from './harness.mjs';

const USAGE =
  'usage: node web/e2e/simulator.mjs <base-url> <email> <password> <pdf-path> <screenshot-path> <expected-total>';
const MONTHS = 12;

const [baseArg, email, password, pdfPath, screenshotPath, expectedTotal] = process.argv.slice(2);
if (!baseArg || !email || !password || !pdfPath || !screenshotPath || !expectedTotal) {
  console.error(USAGE);
  process.exit(2);
}
const base = baseArg.replace(/\/+$/, '');
const url = (path) => `${base}${path}`;
// The page writes amounts with narrow no-break spaces (1 653,47 €); compare them with plain spaces.
const plain = (text) => (text ?? '').replace(/[\u202f\u00a0\s]+/g, ' ').trim();

async function expectPage(page, response, status, heading) {
  check(response?.status() === status, `${page.url()}: HTTP ${response?.status()}, expected ${status}`);
  const h1 = plain(await page.locator('main h1').first().textContent());
  check(h1 === heading, `${pathOf(page)}: unexpected main heading « ${h1} »`);
  await themeStarted(page);
}

/** The body rows of a table as arrays of cell texts (header cell first). */
async function rows(table) {
  return table.locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => Array.from(tr.cells, (c) => c.textContent.replace(/[\u202f\u00a0\s]+/g, ' ').trim())),
  );
}

async function run(browser) {
  // The form with an error is answered 422 on purpose (step 6); Chromium logs every 4xx.
  const { context, page, pageErrors } = await openPage(browser, (text) => /status of 422/.test(text));

  // 0. Without an account: the public simulator, from the sign-in page.
  await page.goto(url('/connexion'));
  let [publicResponse] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole('link', { name: 'Simuler ses droits sans compte', exact: true }).click(),
  ]);
  await expectPage(page, publicResponse, 200, 'Simulateur de droits');
  check(pathOf(page) === '/simulateur-public', `public simulator: the browser is on ${page.url()}`);
  check(
    plain(await page.locator('#rien-n-est-conserve').textContent()).includes("Sans compte, rien n'est conservé"),
    'public simulator: it does not say that nothing is kept',
  );
  await auditPage(page, 'public form');
  const publicForm = page.getByRole('form', { name: 'Situation et scénarios à simuler' });
  await publicForm.getByLabel('Date de naissance').fill('1985-05-15');
  await publicForm.getByLabel("Taux d'incapacité (%)").fill('60');
  await publicForm.locator('label[for="rsdae"]').click();
  await publicForm.getByLabel('Activité actuelle').selectOption('none');
  await publicForm.getByLabel('Premier mois').fill('2026-01');
  await publicForm.getByLabel('Durée en mois').fill('18');
  const publicScenario = publicForm.getByRole('group', { name: 'Scénario 1', exact: true });
  await publicScenario.getByLabel('Changement').selectOption('ordinary');
  await publicScenario.getByLabel('Heures par semaine').fill('24');
  await publicScenario.getByLabel('À partir de').fill('2026-02');
  await publicScenario.getByLabel('Dernier mois').fill('2026-09');
  [publicResponse] = await Promise.all([
    page.waitForNavigation(),
    publicForm.getByRole('button', { name: 'Simuler' }).click(),
  ]);
  await expectPage(page, publicResponse, 200, 'Simulateur de droits');
  check(pathOf(page) === '/simulateur-public', `public results: the browser is on ${page.url()}`);
  check(
    plain(await page.locator('.passerelle-warning').first().textContent()).includes('RSDAE'),
    'public results: no RSDAE warning for 24 h a week at 60 %',
  );
  check(
    (await page.locator('#tableau-s1 tbody tr').filter({ hasText: "après l'emploi" }).count()) === 9,
    'public results: the 9 months after the job are not marked',
  );
  await auditPage(page, 'public results');

  // 1. Log in through the form.
  await page.goto(url('/connexion'));
  const login = page.locator('form[action="/connexion"]');
  await login.locator('input[name="email"]').fill(email);
  await login.locator('input[name="password"]').fill(password);
  await Promise.all([page.waitForNavigation(), login.getByRole('button', { name: 'Se connecter', exact: true }).click()]);
  check(pathOf(page) === '/', `login: expected the home page, the browser is on ${page.url()}`);

  // 2. The simulator, through the main navigation.
  const nav = page.getByRole('navigation', { name: 'Menu principal' });
  let [response] = await Promise.all([
    page.waitForNavigation(),
    (await menuLink(page, 'Simulateur de droits')).click(),
  ]);
  await expectPage(page, response, 200, 'Simulateur de droits');
  check(
    plain(await nav.locator('[aria-current="page"]').textContent()) === 'Simulateur de droits',
    '/simulateur: « Simulateur de droits » is not the current navigation item',
  );
  check((await page.locator('#resultats').count()) === 0, '/simulateur: results before any simulation');
  await auditPage(page, 'form');

  // 3. The situation and two scenarios.
  const form = page.getByRole('form', { name: 'Situation et scénarios à simuler' });
  await form.getByLabel('Date de naissance').fill('1985-05-15');
  await form.getByLabel("Taux d'incapacité (%)").fill('80');
  await form.getByLabel('Activité actuelle').selectOption('esat');
  await form.getByLabel('Rémunération actuelle').fill('700');
  await form.getByLabel('Premier mois').fill('2026-01');
  await form.getByLabel('Durée en mois').fill(String(MONTHS));
  const scenario = (n) => form.getByRole('group', { name: `Scénario ${n}`, exact: true });
  await scenario(1).getByLabel('Changement').selectOption('ordinary');
  await scenario(1).getByLabel('Heures par semaine').fill('24');
  await scenario(1).getByLabel('ou net par mois').fill('');
  await scenario(1).getByLabel('À partir de').fill('2026-03');
  await scenario(2).getByLabel('Changement').selectOption('double');
  await scenario(2).getByLabel('ou net par mois').fill('600');
  await scenario(2).getByLabel('À partir de').fill('2026-03');
  [response] = await Promise.all([page.waitForNavigation(), form.getByRole('button', { name: 'Simuler' }).click()]);
  await expectPage(page, response, 200, 'Simulateur de droits');
  const query = new URL(page.url()).searchParams;
  check(query.get('s1_hours') === '24' && query.get('current_pay') === '700', `the form is not in the address: ${page.url()}`);

  // 4. Results: chart, comparison table, a table per series with the library's figures, explanations.
  const results = page.locator('#resultats');
  await results.waitFor();
  const chart = results.locator('svg[role="img"]');
  check((await chart.count()) === 1, 'results: no chart with role="img"');
  const labelledBy = (await chart.getAttribute('aria-labelledby')) ?? '';
  const title = plain(await chart.locator('title').textContent());
  check(labelledBy.includes('graphique-titre') && title.startsWith('Revenu total par mois'), `chart: title « ${title} »`);
  check(plain(await chart.locator('desc').textContent()).length > 40, 'chart: no description');
  check((await chart.locator('polyline').count()) === 3, 'chart: expected 3 lines (no change, 2 scenarios)');
  const box = await chart.boundingBox();
  check(box && box.width > 400 && box.height > 150, `chart: drawn too small (${JSON.stringify(box)})`);

  const comparison = await rows(results.locator('table#tableau-comparaison'));
  check(comparison.length === MONTHS, `comparison table: ${comparison.length} rows, expected ${MONTHS}`);
  check(comparison[0][0] === 'janvier 2026' && comparison[0].length === 4, `comparison table: first row ${comparison[0]}`);

  const first = await rows(results.locator('table#tableau-s1'));
  check(first.length === MONTHS, `scenario 1: ${first.length} rows, expected ${MONTHS}`);
  const march = first.find((r) => r[0] === 'mars 2026');
  check(march, 'scenario 1: no row for mars 2026');
  check(march[5] === plain(expectedTotal), `scenario 1, mars 2026: total « ${march[5]} », the library says « ${plain(expectedTotal)} »`);
  check(comparison[2][2] === march[5], `comparison table and scenario 1 disagree for mars 2026: ${comparison[2][2]} / ${march[5]}`);
  check(march[6].startsWith('+'), `scenario 1, mars 2026: the difference « ${march[6]} » is not a gain`);
  console.log(`info scenario 1, mars 2026: ${march.slice(1).join(' | ')}`);

  // The print button is shown by its script (allowed by the CSP); explanations unfold.
  check(await results.getByRole('button', { name: 'Imprimer / enregistrer en PDF' }).isVisible(), 'the print button is hidden: web/static/print.js did not run');
  const accordion = page.locator('#serie-s1 .fr-accordion__btn').nth(2);
  await accordion.click();
  await page.waitForFunction(
    (id) => document.getElementById(id)?.classList.contains('fr-collapse--expanded'),
    await accordion.getAttribute('aria-controls'),
  );
  // The panel is still opening when the class is set: read its text (not what is painted yet) once visible.
  const panel = page.locator(`#${await accordion.getAttribute('aria-controls')}`);
  await panel.waitFor({ state: 'visible' });
  const explanation = plain(await panel.textContent());
  check(/AAH : .*Évaluation trimestrielle/.test(explanation), `explanation of mars 2026: « ${explanation.slice(0, 200)} »`);
  check(explanation.includes("Prime d'activité"), 'explanation of mars 2026: no word on the prime d\'activité');
  await auditPage(page, 'results');

  await mkdir(dirname(screenshotPath), { recursive: true });
  await page.screenshot({ path: screenshotPath, fullPage: true });
  console.log(`info screenshot written to ${screenshotPath}`);

  // 5. The print view as a PDF (page.pdf uses the print media: the stylesheet's @media print).
  await mkdir(dirname(pdfPath), { recursive: true });
  await page.pdf({ path: pdfPath, format: 'A4', printBackground: true, margin: { top: '15mm', bottom: '15mm', left: '12mm', right: '12mm' } });
  const size = (await stat(pdfPath)).size;
  check(size > 10_000, `the PDF is too small: ${size} bytes`);
  console.log(`info PDF of the print view written to ${pdfPath} (${size} bytes)`);

  // 6. An error: shown in French next to its field and in the summary, the input kept.
  await page.goto(url('/simulateur'));
  await form.getByLabel('Date de naissance').fill('1985-05-15');
  await form.getByLabel("Taux d'incapacité (%)").fill('120');
  await form.getByLabel('Rémunération actuelle').fill('700');
  await scenario(1).getByLabel('Heures par semaine').fill('24');
  [response] = await Promise.all([page.waitForNavigation(), form.getByRole('button', { name: 'Simuler' }).click()]);
  await expectPage(page, response, 422, 'Simulateur de droits');
  const field = form.getByLabel("Taux d'incapacité (%)");
  check((await field.inputValue()) === '120', 'the incapacity rate typed was not kept');
  check((await field.getAttribute('aria-invalid')) === 'true', 'the field in error is not marked aria-invalid');
  const message = plain(await page.locator('#incapacity-erreur').textContent());
  check(message.includes('entre 0 et 100'), `the error next to the field: « ${message} »`);
  check(plain(await page.locator('#erreurs').innerText()).includes(message), 'the error summary does not list the error');
  check((await form.getByLabel('Rémunération actuelle').inputValue()) === '700', 'the other values were not kept');
  check((await page.locator('#resultats').count()) === 0, 'results shown despite the error');
  await auditPage(page, 'error');

  check(pageErrors.length === 0, `errors in the browser:\n  ${pageErrors.join('\n  ')}`);
  await context.close();
}

await runJourney('simulator journey', run);
