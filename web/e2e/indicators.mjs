#!/usr/bin/env node
// Browser test of the indicators' page, in headless Chromium, for two accounts:
//   the DDETS: log in → « Indicateurs » (its department by SIAE kind and quarter, each chart with its table)
//   → filters changed (by month, by organisation) → small counts masked, no link to people → CSV export
//   downloaded and read;
//   an SIAE: log in → « Indicateurs » (its own organisation) → drill-down from its figure to the people
//   counted → back, whole-year filter → XLSX export downloaded;
// with an accessibility audit (axe-core) of each page.
//
// Usage: node web/e2e/indicators.mjs <base-url> <ddets-email> <password> <siae-email> <year>
//
// Exit code 0 when every check passes and axe finds no violation of impact "serious" or "critical"; 1
// otherwise, with a readable report on stderr; 2 on a usage error.

import { readFile } from 'node:fs/promises';
import { auditPage, check, click, expectPage, logIn, openPage, pathOf, runJourney } from './harness.mjs';

const USAGE = 'usage: node web/e2e/indicators.mjs <base-url> <ddets-email> <password> <siae-email> <year>';
const [baseArg, ddetsEmail, password, siaeEmail, year] = process.argv.slice(2);
if (!baseArg || !ddetsEmail || !password || !siaeEmail || !/^\d{4}$/.test(year ?? '')) {
  console.error(USAGE);
  process.exit(2);
}
const base = baseArg.replace(/\/+$/, '');
const url = (path) => `${base}${path}`;

/** Logs in and opens the indicators' page from the header's link. */
async function openIndicators(browser, email) {
  // A refused filter answers 422, which the browser reports as a failed resource: not an error of the page.
  const opened = await openPage(browser, (text) => text.includes('status of 422'));
  const { page } = opened;
  const response = await page.goto(url('/connexion'));
  await expectPage(page, response, '/connexion', /^Connexion/);
  await expectPage(page, await logIn(page, email, password), '/', /^Bonjour/);
  await expectPage(page, await click(page, page.locator('header a[href="/indicateurs"]').first()), '/indicateurs',
    /^Indicateurs$/);
  return opened;
}

/** Every chart is an image with its title, followed by a table of the same family with its caption. */
async function checkChartsHaveTables(page) {
  const figures = page.locator('main figure');
  const count = await figures.count();
  check(count > 0, `${pathOf(page)}: at least one chart`);
  for (let i = 0; i < count; i += 1) {
    const svg = figures.nth(i).locator('svg[role="img"]');
    check(await svg.count() === 1, 'a chart is an SVG image');
    const title = (await svg.locator('title').textContent()).trim();
    const family = title.replace(/ : diagramme en barres$/, '');
    check(family !== title, `the chart's title names its family: « ${title} »`);
    const caption = figures.nth(i).locator('xpath=following-sibling::div[contains(@class, "fr-table")][1]//caption');
    check((await caption.textContent())?.trim() === family, `the chart « ${family} » is followed by its table`);
  }
}

/** Clicks an export link and returns the downloaded file's name and bytes. */
async function download(page, name) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name }).click()]);
  check(await file.failure() === null, `${name}: the download failed`);
  return { name: file.suggestedFilename(), bytes: await readFile(await file.path()) };
}

await runJourney('indicators journey', async (browser) => {
  // The DDETS: its department by SIAE kind and quarter.
  const ddets = await openIndicators(browser, ddetsEmail);
  let page = ddets.page;
  let main = await page.locator('main').innerText();
  check(main.includes('Département : 21'), 'the DDETS opens on its department');
  check(await page.locator('#granularity').inputValue() === 'quarter', 'by quarter by default');
  check(await page.locator('#dimension').inputValue() === 'siae_kind', 'by SIAE kind by default');
  check(main.includes(`${year}-T`), 'quarters of this year');
  await checkChartsHaveTables(page);
  await auditPage(page, 'ddets');

  // An end before the start: the same page comes back with the filters kept and what to fix (422).
  await page.locator('#from').fill(`${year}-06-30`);
  await page.locator('#to').fill(`${year}-01-01`);
  await page.locator('#dimension').selectOption('organisation');
  const refused = await click(page, page.getByRole('button', { name: 'Afficher', exact: true }));
  check(refused.status() === 422, `an end before the start answers ${refused.status()}`);
  check((await page.locator('main .fr-alert--error').innerText()).includes('Filtres à corriger'), 'the refusal says what to fix');
  check(await page.locator('#from').inputValue() === `${year}-06-30`, 'the refused start is kept');
  check(await page.locator('#dimension').inputValue() === 'organisation', 'the refused dimension is kept');
  await auditPage(page, 'ddets-refused');

  // Filters: by month and by organisation over the year.
  await page.locator('#from').fill(`${year}-01-01`);
  await page.locator('#to').fill(`${year}-12-31`);
  await page.locator('#granularity').selectOption('month');
  await page.locator('#dimension').selectOption('organisation');
  let response = await click(page, page.getByRole('button', { name: 'Afficher', exact: true }));
  await expectPage(page, response, '/indicateurs', /^Indicateurs$/);
  const query = new URL(page.url()).searchParams;
  check(query.get('granularity') === 'month' && query.get('dimension') === 'organisation', `filters in ${page.url()}`);
  check(await page.locator('#dimension').inputValue() === 'organisation', 'the form keeps the chosen dimension');
  main = await page.locator('main').innerText();
  check(main.includes(`${year}-`) && !main.includes(`${year}-T`), 'months instead of quarters');
  check(await page.locator('main th', { hasText: /^Structure$/ }).count() > 0, 'a column for the organisations');
  check(main.includes('Les Jardins de la Combe'), 'organisations by name');
  check(main.includes('< 5'), "small counts of other organisations are masked for the DDETS");
  check(await page.locator('main a[title="Les personnes comptées"]').count() === 0,
    'no link to people for a State service');
  await checkChartsHaveTables(page);
  await auditPage(page, 'ddets-month');

  const csv = await download(page, 'Télécharger en CSV');
  const lines = csv.bytes.toString('utf8').trim().split('\n');
  check(csv.name === 'indicateurs.csv', `CSV file name: ${csv.name}`);
  check(lines.length > 1 && lines[0].includes('indicateur,libellé,période'), `CSV header: ${lines[0]}`);
  check(lines.some((l) => l.startsWith('candidates_oriented,') && l.includes(`${year}-`)),
    'the CSV has the same figures by month');
  check(ddets.pageErrors.length === 0, `errors in the browser:\n  ${ddets.pageErrors.join('\n  ')}`);
  await ddets.context.close();

  // The SIAE: its own organisation, and the people behind its figure.
  const siae = await openIndicators(browser, siaeEmail);
  page = siae.page;
  main = await page.locator('main').innerText();
  check(main.includes('Structure : Les Jardins de la Combe'), 'the SIAE opens on its own organisation');
  await checkChartsHaveTables(page);
  await auditPage(page, 'siae');
  const figure = page.locator('main tr[data-indicator="candidates_oriented"] a[title="Les personnes comptées"]');
  check(await figure.count() > 0, 'its own figure links to the people counted');
  const counted = (await figure.first().textContent()).trim();
  response = await click(page, figure.first());
  await expectPage(page, response, '/indicateurs/candidates_oriented/personnes', /^Candidats orientés/);
  main = await page.locator('main').innerText();
  // France Travail oriented Durand; Marchal, oriented by the Mission locale, is not counted (fiche 4).
  check(main.includes('Durand') && !main.includes('Marchal'), 'the people France Travail oriented to the ACI');
  const rows = await page.locator('main tbody tr').count();
  check(String(rows) === counted, `as many people (${rows}) as the figure said (${counted})`);
  await auditPage(page, 'siae-people');

  response = await click(page, page.getByRole('link', { name: 'Retour aux indicateurs' }));
  await expectPage(page, response, '/indicateurs', /^Indicateurs$/);
  await page.locator('#from').fill(`${year}-01-01`);
  await page.locator('#to').fill(`${year}-12-31`);
  await page.locator('#granularity').selectOption('range');
  response = await click(page, page.getByRole('button', { name: 'Afficher', exact: true }));
  await expectPage(page, response, '/indicateurs', /^Indicateurs$/);
  check((await page.locator('main').innerText()).includes(`${year}-01-01/${year}-12-31`), 'the whole year at once');
  const xlsx = await download(page, 'Télécharger en XLSX');
  check(xlsx.name === 'indicateurs.xlsx' && xlsx.bytes.subarray(0, 2).toString() === 'PK',
    `an XLSX workbook (${xlsx.name})`);
  await auditPage(page, 'siae-year');
  check(siae.pageErrors.length === 0, `errors in the browser:\n  ${siae.pageErrors.join('\n  ')}`);
  await siae.context.close();
});
