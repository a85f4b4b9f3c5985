#!/usr/bin/env node
// Browser test of the SPE referent's journey on a phone (375 × 667), in headless Chromium:
//   log in → header menu « Référent SPE » → the dashboard → next page of its people in pathway →
//   « Parcours et à faire » filtered by status,
// with an accessibility audit (axe-core) of each page and a check that no page is wider than the screen
// (tables scroll inside their DSFR wrapper).
//
// Usage: node web/e2e/referent.mjs <base-url> <email> <password> <screenshot-path>
//
// Exit code 0 when every check passes and axe finds no violation of impact "serious" or "critical"; 1
// otherwise, with a readable report on stderr; 2 on a usage error.

import { PHONE, auditPage, check, click, expectPage, logIn, openPage, pathOf, runJourney, menuLink } from './harness.mjs';

const USAGE = 'usage: node web/e2e/referent.mjs <base-url> <email> <password> <screenshot-path>';
const SIAE = 'Les Jardins de la Combe';

const [baseArg, email, password, screenshotPath] = process.argv.slice(2);
if (!baseArg || !email || !password || !screenshotPath) {
  console.error(USAGE);
  process.exit(2);
}
const base = baseArg.replace(/\/+$/, '');
const url = (path) => `${base}${path}`;

/** Checks the page fits the phone's width: only the tables' own wrappers may scroll sideways. */
async function fitsTheScreen(page) {
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
  check(scroll <= width, `${pathOf(page)}: the page is ${scroll} px wide on a ${width} px screen`);
}

/** The names of the people in the list of the page. */
async function people(page) {
  return (await page.locator('main table caption:has-text("Personnes en parcours")')
    .locator('xpath=..')
    .locator('tbody tr td:first-child')
    .allTextContents()).map((s) => s.trim());
}

await runJourney('referent journey on a phone', async (browser) => {
  const { context, page, pageErrors } = await openPage(browser, () => false, PHONE);
  let response = await page.goto(url('/connexion'));
  await expectPage(page, response, '/connexion', /^Connexion/);
  await expectPage(page, await logIn(page, email, password), '/', /^Bonjour/);
  await fitsTheScreen(page);

  // The header menu folds into « Menu » on a phone.
  await page.locator('#menu-button').click();
  response = await click(page, await menuLink(page, 'Référent SPE'));
  await expectPage(page, response, '/referent', /^Tableau de bord du référent SPE/);
  const main = await page.locator('main').innerText();
  check(main.includes(SIAE), `the dashboard names the SIAE: ${main.slice(0, 400)}`);
  check(main.includes('Entretiens tripartites à prévoir') && main.includes('Bilans de sortie reçus'), 'dashboard sections');
  const first = await people(page);
  check(first.length === 50, `a page of 50 people, not ${first.length}`);
  await fitsTheScreen(page);
  await auditPage(page, 'referent');
  await page.screenshot({ path: screenshotPath, fullPage: false });

  response = await click(page, page.getByRole('navigation', { name: 'Pagination' }).getByRole('link', { name: 'Page suivante' }));
  await expectPage(page, response, '/referent', /^Tableau de bord du référent SPE/);
  const second = await people(page);
  check(second.length > 0 && !second.includes(first[0]), `the second page shows other people: ${second.slice(0, 3)}`);
  await auditPage(page, 'referent p2');

  response = await page.goto(url('/parcours'));
  await expectPage(page, response, '/parcours', /^Parcours et à faire/);
  await page.locator('#status').selectOption('in_progress');
  response = await click(page, page.getByRole('button', { name: 'Filtrer' }));
  await expectPage(page, response, '/parcours', /^Parcours et à faire/);
  check(new URL(page.url()).searchParams.get('status') === 'in_progress', `filtered: ${page.url()}`);
  await fitsTheScreen(page);
  await auditPage(page, 'pathways');

  check(pageErrors.length === 0, `errors in the browser:\n  ${pageErrors.join('\n  ')}`);
  await context.close();
});
