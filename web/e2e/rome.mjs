#!/usr/bin/env node
// Browser test of the ROME job picker, in headless Chromium: the ACI opens « Offres », types « maraichere »
// (no accent) in the job picker, picks « Ouvrier maraîcher / Ouvrière maraîchère » among the titles the
// referential offers, which fills the offer's title and its ROME code A1414; it publishes the offer, finds it in
// the list with its ROME family, then filters the offers by job and town. Every page is audited with axe-core.
//
// Usage: node web/e2e/rome.mjs <base-url> <email> <password> <town>
//
// Exit code 0 when every check passes and axe finds no serious or critical violation; 1 otherwise;
// 2 on a usage error.

import { auditPage, check, click, expectPage, logIn, menuLink, openPage, runJourney } from './harness.mjs';

const USAGE = 'usage: node web/e2e/rome.mjs <base-url> <email> <password> <town>';
const TITLE = 'Ouvrier maraîcher / Ouvrière maraîchère';
const OPTION = `${TITLE} (A1414)`;

const [baseArg, email, password, town] = process.argv.slice(2);
if (!baseArg || !email || !password || !town) {
  console.error(USAGE);
  process.exit(2);
}
const base = baseArg.replace(/\/+$/, '');

const openOffers = async (page) => (await page.locator('main table').first().innerText()).replace(/\s+/g, ' ');

async function run(browser) {
  const { context, page, pageErrors } = await openPage(browser);
  let response = await page.goto(`${base}/connexion`);
  await expectPage(page, await logIn(page, email, password), '/', /^Bonjour/);

  response = await click(page, await menuLink(page, 'Offres'));
  await expectPage(page, response, '/offres', /^Offres des SIAE/);

  // With JavaScript the picker shows, with the referential's version in its help.
  const search = page.getByLabel(/^Métier du référentiel ROME/);
  await search.waitFor({ state: 'visible' });
  const help = await page.locator('label[for="rome-search"]').innerText();
  check(help.includes('Référentiel ROME de France Travail, version du 1er mars 2024'), `the picker's help does not name the version: ${help}`);

  // Typing without accents offers the title; picking it fills the title and the code.
  await search.pressSequentially('maraichere', { delay: 20 });
  await page.locator(`#rome-titles option[value="${OPTION}"]`).waitFor({ state: 'attached' });
  const offered = await page.locator('#rome-titles option').evaluateAll((options) => options.map((o) => o.value));
  check(offered.every((v) => /mara[iî]ch[eè]re/i.test(v)), `titles unrelated to the search are offered: ${offered.join(' | ')}`);
  check(/métiers? proposés?/.test(await page.locator('#rome-search-status').innerText()), 'the number of titles offered is not announced');
  await auditPage(page, 'offers with the job picker open');
  // Choosing an option of the list puts its value in the field, as fill() does, with an input event.
  await search.fill(OPTION);
  check((await page.locator('#title').inputValue()) === TITLE, `the title is « ${await page.locator('#title').inputValue()} »`);
  check((await page.locator('#rome_code').inputValue()) === 'A1414', `the ROME code is « ${await page.locator('#rome_code').inputValue()} »`);
  check((await page.locator('#rome-search-status').innerText()).includes('code ROME A1414'), 'the pick is not announced');

  await page.locator('#place').fill(town);
  await page.locator('#positions').fill('2');
  response = await click(page, page.getByRole('button', { name: "Publier l'offre" }));
  await expectPage(page, response, '/offres', /^Offres des SIAE/);
  const listed = await openOffers(page);
  check(listed.includes(`${TITLE} (A1414, Horticulture et maraîchage)`), `the published offer is not listed with its job: ${listed}`);

  // The offers by job (no accent) and town.
  const filters = page.getByRole('search', { name: 'Filtrer les offres' });
  await filters.getByLabel(/^Métier/).fill('maraichere');
  await filters.getByLabel(/^Commune du poste/).fill(town.toUpperCase());
  response = await click(page, filters.getByRole('button', { name: 'Filtrer' }));
  await expectPage(page, response, '/offres', /^Offres des SIAE/);
  const filtered = await openOffers(page);
  check(filtered.includes(town) && filtered.includes(TITLE), `the filtered list lost the offer: ${filtered}`);
  check(!filtered.includes('Agent de tri') && !filtered.includes('Longvic'), `the filtered list shows other jobs: ${filtered}`);
  await auditPage(page, 'offers filtered by job and town');

  check(pageErrors.length === 0, `errors in the browser:\n  ${pageErrors.join('\n  ')}`);
  await context.close();
}

await runJourney('ROME job picker journey', run);
