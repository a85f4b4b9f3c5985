#!/usr/bin/env node
// Browser test of the referrals list and the prescription form's SIAE picker, in headless Chromium, for a
// France Travail adviser with more than 50 referrals sent: the list filtered by direction, its second page, a
// filter that finds nothing then cleared, a date to fix; then the form of a person, where the SIAE is searched
// by town and chosen, and only its offers are offered. Every page is audited with axe-core.
//
// Usage: node web/e2e/lists.mjs <base-url> <email> <password> <prescription-form-path>
//
// Exit code 0 when every check passes and axe finds no serious or critical violation; 1 otherwise;
// 2 on a usage error.

import { auditPage, check, click, expectPage, logIn, openPage, pathOf, runJourney } from './harness.mjs';

const USAGE = 'usage: node web/e2e/lists.mjs <base-url> <email> <password> <prescription-form-path>';
const [baseArg, email, password, formPath] = process.argv.slice(2);
if (!baseArg || !email || !password || !formPath) {
  console.error(USAGE);
  process.exit(2);
}
const base = baseArg.replace(/\/+$/, '');
const url = (path) => `${base}${path}`;

/** The browser reports the expected 422 of a filter to fix as a failed resource: not an error of the page. */
const expected422 = (text) => text.includes('status of 422');

const caption = async (page) => (await page.locator('main table caption').innerText()).trim();
const rows = (page) => page.locator('main table tbody tr');
const filterForm = (page) => page.locator('main form[aria-label="Filtrer la liste"]');

await runJourney('referrals list and SIAE picker journey', async (browser) => {
  const { context, page, pageErrors } = await openPage(browser, expected422);
  let response = await page.goto(url('/connexion'));
  await expectPage(page, await logIn(page, email, password), '/', /^Bonjour/);

  // The list, filtered to the referrals sent: 55, 50 on the first page.
  response = await page.goto(url('/prescriptions'));
  await expectPage(page, response, '/prescriptions', /^Candidatures et prescriptions/);
  await auditPage(page, 'referrals');
  await filterForm(page).locator('#sens').selectOption('envoyees');
  response = await click(page, filterForm(page).getByRole('button', { name: 'Filtrer' }));
  await expectPage(page, response, '/prescriptions', /^Candidatures/);
  check((await caption(page)) === '55 candidatures', `the sent referrals count ${await caption(page)}`);
  check((await rows(page).count()) === 50, `the first page shows ${await rows(page).count()} rows`);
  await auditPage(page, 'sent');

  // The second page keeps the filter.
  response = await click(page, page.getByRole('link', { name: 'Page suivante' }));
  await expectPage(page, response, '/prescriptions', /^Candidatures/);
  const second = new URL(page.url()).searchParams;
  check(second.get('page') === '2' && second.get('sens') === 'envoyees', `the second page is ${page.url()}`);
  check((await rows(page).count()) === 5, `the second page shows ${await rows(page).count()} rows`);
  check((await filterForm(page).locator('#sens').inputValue()) === 'envoyees', 'the form keeps the direction');
  await auditPage(page, 'page 2');

  // A step no referral is at: nothing matches, and the filters can be cleared.
  await filterForm(page).locator('#statut').selectOption('withdrawn');
  response = await click(page, filterForm(page).getByRole('button', { name: 'Filtrer' }));
  await expectPage(page, response, '/prescriptions', /^Candidatures/);
  const none = page.locator('main p').filter({ hasText: 'Aucune candidature ne correspond à ces filtres' });
  check((await none.count()) === 1, 'the list says that nothing matches');
  await auditPage(page, 'no match');
  response = await click(page, none.getByRole('link', { name: 'Effacer les filtres' }));
  await expectPage(page, response, '/prescriptions', /^Candidatures/);
  check(new URL(page.url()).search === '', `the filters are cleared: ${page.url()}`);

  // A date to fix: 422, the value kept, the message under the field.
  await filterForm(page).locator('#du').fill('32/01/2026');
  response = await click(page, filterForm(page).getByRole('button', { name: 'Filtrer' }));
  check(response.status() === 422, `an unreadable date answers ${response.status()}`);
  check((await page.locator('#du').inputValue()) === '32/01/2026', 'the typed date is kept');
  const error = await page.locator('#du-error').innerText();
  check(error.includes('JJ/MM/AAAA'), `the error says what to type: ${error}`);
  await auditPage(page, 'bad date');

  // The prescription form: the SIAE searched by town, chosen, then only its offers.
  response = await page.goto(url(formPath));
  await expectPage(page, response, formPath, /^Prescrire un parcours IAE/);
  await auditPage(page, 'prescribe');
  const picker = page.locator('main form[aria-label="Choisir la SIAE"]');
  await picker.locator('#recherche').fill('Chenôve');
  response = await click(page, picker.getByRole('button', { name: 'Rechercher' }));
  await expectPage(page, response, formPath, /^Prescrire/);
  const found = (await page.locator('#siae option').allTextContents()).map((s) => s.trim());
  check(found.length === 1 && found[0].startsWith('Bourgogne Recyclage Insertion'), `the SIAE in Chenôve: ${found}`);
  await auditPage(page, 'search');
  response = await click(page, page.getByRole('button', { name: 'Choisir cette SIAE et voir ses offres' }));
  await expectPage(page, response, formPath, /^Prescrire/);
  const offers = (await page.locator('#offer_id option').allTextContents()).map((s) => s.trim());
  check(
    offers.length === 2 && offers[0] === 'Candidature spontanée' && offers[1].startsWith('Agent de tri'),
    `the offers offered: ${offers.join(' | ')}`,
  );
  check(pathOf(page) === formPath && new URL(page.url()).searchParams.has('siae'), 'the choice is in the address');
  await auditPage(page, 'chosen');

  check(pageErrors.length === 0, pageErrors.join('\n'));
  await context.close();
});
