#!/usr/bin/env node
// Browser test of the directory journey, in headless Chromium:
//   login page → log in → home page → « Annuaire » → filter → an organisation's page,
// with an accessibility audit (axe-core) of each of those four pages.
//
// Usage: node web/e2e/directory.mjs <base-url> <email> <password> <screenshot-path>
//
// Exit code 0 when every check passes and axe finds no violation of impact "serious" or
// "critical"; 1 otherwise, with a readable report on stderr; 2 on a usage error.
// PASSERELLE_CHROMIUM overrides the browser executable (default /usr/bin/chromium).

import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { auditPage, check, expectPage, logIn, openPage, pathOf, runJourney, menuLink } from './harness.mjs';

const USAGE = 'usage: node web/e2e/directory.mjs <base-url> <email> <password> <screenshot-path>';
const EXPECTED_ORGANISATION = 'Agence France Travail Dijon Drapeau';
const FILTER_KIND = { code: 'france_travail_agency', label: 'Agence France Travail' };
const FILTER_TEXT = 'Drapeau';
const MIN_ROWS = 5;

const [baseArg, email, password, screenshotPath] = process.argv.slice(2);
if (!baseArg || !email || !password || !screenshotPath) {
  console.error(USAGE);
  process.exit(2);
}
const base = baseArg.replace(/\/+$/, '');
const url = (path) => `${base}${path}`;

/** The organisation table of the directory page: one { name, kind, href } per body row. */
async function directoryRows(page) {
  const table = page.locator('main table');
  await table.waitFor();
  return table.locator('tbody tr').evaluateAll((rows) =>
    rows.map((row) => {
      const link = row.querySelector('td a');
      return {
        name: link?.textContent.trim() ?? '',
        href: link?.getAttribute('href') ?? '',
        kind: row.cells[1]?.textContent.trim() ?? '',
      };
    }),
  );
}

async function run(browser) {
  const { context, page, pageErrors } = await openPage(browser);

  // 1. Login page, then log in through the form.
  let response = await page.goto(url('/connexion'));
  await expectPage(page, response, '/connexion', /^Connexion/);
  await auditPage(page, 'login');

  response = await logIn(page, email, password);

  // 2. Home page.
  await expectPage(page, response, '/', /^Bonjour/);
  await auditPage(page, 'home');

  // 3. Directory, through the main navigation.
  [response] = await Promise.all([
    page.waitForNavigation(),
    (await menuLink(page, 'Annuaire')).click(),
  ]);
  await expectPage(page, response, '/annuaire', /^Annuaire/);
  const current = page.getByRole('navigation', { name: 'Menu principal' }).locator('[aria-current="page"]');
  check((await current.textContent())?.trim() === 'Annuaire', '/annuaire: « Annuaire » is not the current navigation item');
  const all = await directoryRows(page);
  check(all.length >= MIN_ROWS, `/annuaire: expected at least ${MIN_ROWS} organisations, the table has ${all.length}`);
  check(
    all.some((r) => r.name === EXPECTED_ORGANISATION),
    `/annuaire: « ${EXPECTED_ORGANISATION} » is not in the table (${all.map((r) => r.name).join(' | ')})`,
  );
  await auditPage(page, 'directory');
  console.log(`info /annuaire lists ${all.length} organisation(s)`);

  // 4. Filter by kind through the form.
  const filters = page.getByRole('search', { name: "Filtrer l'annuaire" });
  await filters.getByLabel('Type de structure').selectOption(FILTER_KIND.code);
  [response] = await Promise.all([page.waitForNavigation(), filters.getByRole('button', { name: 'Filtrer' }).click()]);
  await expectPage(page, response, '/annuaire', /^Annuaire/);
  check(new URL(page.url()).searchParams.get('kind') === FILTER_KIND.code, `kind filter not in the URL: ${page.url()}`);
  const byKind = await directoryRows(page);
  check(byKind.length > 0, `filter by kind « ${FILTER_KIND.label} »: no organisation`);
  check(byKind.length < all.length, `filter by kind « ${FILTER_KIND.label} »: the list did not shrink (${byKind.length})`);
  const otherKinds = byKind.filter((r) => r.kind !== FILTER_KIND.label);
  check(
    otherKinds.length === 0,
    `filter by kind « ${FILTER_KIND.label} »: other kinds listed: ${otherKinds.map((r) => `${r.name} (${r.kind})`).join(', ')}`,
  );
  check(
    byKind.some((r) => r.name === EXPECTED_ORGANISATION),
    `filter by kind « ${FILTER_KIND.label} »: « ${EXPECTED_ORGANISATION} » is missing`,
  );
  console.log(`info filter kind=${FILTER_KIND.code} keeps ${byKind.length} organisation(s)`);

  // 5. Add a text filter, keeping the kind.
  await filters.getByLabel('Nom, commune ou SIRET').fill(FILTER_TEXT);
  [response] = await Promise.all([page.waitForNavigation(), filters.getByRole('button', { name: 'Filtrer' }).click()]);
  await expectPage(page, response, '/annuaire', /^Annuaire/);
  const byText = await directoryRows(page);
  check(byText.length > 0, `filter « ${FILTER_TEXT} »: no organisation`);
  const unrelated = byText.filter((r) => !r.name.includes(FILTER_TEXT));
  check(unrelated.length === 0, `filter « ${FILTER_TEXT} »: unrelated rows: ${unrelated.map((r) => r.name).join(', ')}`);
  check(byText.some((r) => r.name === EXPECTED_ORGANISATION), `filter « ${FILTER_TEXT} »: « ${EXPECTED_ORGANISATION} » is missing`);
  check(
    (await filters.getByLabel('Type de structure').inputValue()) === FILTER_KIND.code &&
      (await filters.getByLabel('Nom, commune ou SIRET').inputValue()) === FILTER_TEXT,
    'the filter form does not show the filters in force',
  );
  console.log(`info filter kind=${FILTER_KIND.code} q=${FILTER_TEXT} keeps ${byText.length} organisation(s)`);

  // 6. Full-page screenshot of the directory, back to the whole list.
  response = await page.goto(url('/annuaire'));
  await expectPage(page, response, '/annuaire', /^Annuaire/);
  await mkdir(dirname(screenshotPath), { recursive: true });
  await page.screenshot({ path: screenshotPath, fullPage: true });
  console.log(`info screenshot written to ${screenshotPath}`);

  // 7. An organisation's page, following its link in the table.
  const link = page.locator('main table tbody').getByRole('link', { name: EXPECTED_ORGANISATION, exact: true });
  const href = await link.getAttribute('href');
  check(/^\/annuaire\/[0-9a-f-]{36}$/.test(href ?? ''), `unexpected organisation link: ${href}`);
  [response] = await Promise.all([page.waitForNavigation(), link.click()]);
  await expectPage(page, response, href, new RegExp(`^${EXPECTED_ORGANISATION.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
  await auditPage(page, 'organisation');

  check(pageErrors.length === 0, `errors in the browser:\n  ${pageErrors.join('\n  ')}`);
  await context.close();
}

await runJourney('directory journey', run);
