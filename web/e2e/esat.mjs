#!/usr/bin/env node
// Browser test of the ESAT's journey, in headless Chromium, as a member of the ESAT du Suzon:
//   log in → header menu « Travailleurs d'ESAT » → the workers and their situations → a worker leaving with a
//   convention d'appui: a period over one year is refused with the article next to the field, then a valid
//   renewal is recorded → « Immersions »: a schedule over 48 hours a week is refused next to the schedule,
//   then the draft is saved, sent to its signatories and signed by the beneficiary → the ESAT's directory sheet:
//   a malformed FINESS number is refused next to the field with what was typed kept, then a valid one recorded,
// with an accessibility audit (axe-core) of each page, including the pages showing a refusal.
//
// Usage: node web/e2e/esat.mjs <base-url> <email> <password> <screenshot-path>
//
// Exit code 0 when every check passes and axe finds no violation of impact "serious" or "critical"; 1
// otherwise, with a readable report on stderr; 2 on a usage error.

import { auditPage, check, click, day, expectPage, logIn, openPage, runJourney, menuLink } from './harness.mjs';

const USAGE = 'usage: node web/e2e/esat.mjs <base-url> <email> <password> <screenshot-path>';

const [baseArg, email, password, screenshotPath] = process.argv.slice(2);
if (!baseArg || !email || !password || !screenshotPath) {
  console.error(USAGE);
  process.exit(2);
}
const base = baseArg.replace(/\/+$/, '');
const url = (path) => `${base}${path}`;

/** The error text shown next to the field `id`. */
async function errorNextTo(page, id) {
  const text = page.locator(`#${id}-error`);
  check((await text.count()) === 1, `${id}: no error next to the field`);
  return (await text.innerText()).trim();
}

await runJourney('ESAT journey', async (browser) => {
  // The refused forms answer 422 on purpose: the browser logs them.
  const { context, page, pageErrors } = await openPage(browser, (text) => text.includes('status of 422'));
  let response = await page.goto(url('/connexion'));
  await expectPage(page, response, '/connexion', /^Connexion/);
  await expectPage(page, await logIn(page, email, password), '/', /^Bonjour/);

  response = await click(page, await menuLink(page, "Travailleurs d'ESAT"));
  await expectPage(page, response, '/esat', /^Travailleurs d'ESAT/);
  const list = await page.locator('main table').innerText();
  for (const expected of ['Arnaud', 'Double activité', 'Masson', "Sortie avec convention d'appui", 'Fontaine', 'En emploi']) {
    check(list.includes(expected), `the workers' list shows « ${expected} »: ${list}`);
  }
  await auditPage(page, 'esat');

  // Julien Masson left with a convention d'appui renewed once: a third period over a year is refused.
  response = await click(page, page.getByRole('link', { name: 'Masson Julien' }));
  await expectPage(page, response, pathOfWorker(page), /^Julien Masson/);
  check((await page.locator('main').innerText()).includes('Période 2'), 'the renewed period is listed');
  await auditPage(page, 'worker');
  const form = page.locator('form[action$="/convention-appui"]');
  await form.locator('#renewal_of').check({ force: true });
  await form.locator('#support_employer_name').fill('Transports Bourguignons');
  await form.locator('#support_starts_on').fill('2027-09-01');
  await form.locator('#support_ends_on').fill('2028-09-01');
  response = await click(page, form.getByRole('button', { name: 'Enregistrer la période' }));
  check(response.status() === 422, `an over-long period answers 422, not ${response.status()}`);
  const refusal = await errorNextTo(page, 'support_ends_on');
  check(refusal.includes('au plus un an') && refusal.includes('CASF, art. L344-2-5'), `the refusal cites its article: ${refusal}`);
  await auditPage(page, 'worker refused');
  const again = page.locator('form[action$="/convention-appui"]');
  await again.locator('#renewal_of').check({ force: true });
  await again.locator('#support_employer_name').fill('Transports Bourguignons');
  await again.locator('#support_starts_on').fill('2027-09-01');
  await again.locator('#support_ends_on').fill('2028-08-31');
  response = await click(page, again.getByRole('button', { name: 'Enregistrer la période' }));
  check(response.ok(), `the renewal is recorded: HTTP ${response.status()}`);
  check((await page.locator('main').innerText()).includes('Période 3'), 'the second renewal is listed');

  // An immersion: refused over 48 hours a week, then drafted, sent and signed by the beneficiary.
  response = await click(page, await menuLink(page, 'Immersions'));
  await expectPage(page, response, '/immersions', /^Immersions/);
  check((await page.locator('main table').innerText()).includes('Clinique du Parc'), 'the demo immersion is listed');
  await auditPage(page, 'immersions');
  const fill = async (hours) => {
    const f = page.locator('form[action="/immersions"]');
    await f.locator('#person_id').selectOption({ label: 'Fontaine Claire' });
    await f.locator('#prescriber_id').selectOption({ label: "Cap emploi Côte-d'Or" });
    await f.locator('#support_structure_id').selectOption({ label: 'ESAT Les Ateliers du Suzon' });
    await f.locator('#host_name').fill('Boulangerie Morel');
    await f.locator('#host_siret').fill('732 829 320 00074');
    await f.locator('#tutor_name').fill('Paul Morel');
    await f.locator('#objective').selectOption('confirm_project');
    await f.locator('#starts_on').fill(day(7));
    await f.locator('#ends_on').fill(day(18));
    for (const d of ['h0', 'h1', 'h2', 'h3', 'h4']) await f.locator(`#${d}`).fill(hours);
    return click(page, f.getByRole('button', { name: 'Enregistrer le brouillon' }));
  };
  response = await fill('10');
  check(response.status() === 422, `a 50-hour week answers 422, not ${response.status()}`);
  const hours = await errorNextTo(page, 'schedule');
  check(hours.includes('50 h') && hours.includes('L3121-20'), `the refusal gives the hours and the article: ${hours}`);
  await auditPage(page, 'immersions refused');
  response = await fill('7');
  check(response.ok() && /^\/immersions\/[0-9a-f-]{36}$/.test(new URL(page.url()).pathname), `the draft is saved: ${page.url()}`);
  check((await page.locator('main').innerText()).toLowerCase().includes('brouillon'), 'a draft');
  response = await click(page, page.getByRole('button', { name: 'Envoyer aux signataires' }));
  const sent = await page.locator('main').innerText();
  check(sent.toLowerCase().includes('en attente de signatures'), `awaiting signatures: HTTP ${response.status()} ${sent.slice(0, 600)}`);
  const sign = page.locator('form[action$="/signature"]');
  await sign.locator('#party').selectOption('beneficiary');
  await sign.locator('#signer_name').fill('Claire Fontaine');
  response = await click(page, sign.getByRole('button', { name: 'Enregistrer la signature' }));
  const main = await page.locator('main').innerText();
  check(main.includes('Bénéficiaire : Claire Fontaine'), `the signature is listed: ${main.slice(0, 600)}`);
  check(main.includes('Signature attendue : entreprise d\'accueil'), 'the remaining signatures are reminded');
  await auditPage(page, 'immersion');
  // The tutor signs from a link: the ESAT sends it from the page, the notice says how long it lives.
  const link = page.locator('form[action$="/lien-signature"]');
  await link.locator('#link-party').selectOption('host_company');
  await link.locator('#email').fill('tuteur@example.fr');
  response = await click(page, link.getByRole('button', { name: 'Envoyer le lien de signature' }));
  const linked = await page.locator('main').innerText();
  check(linked.includes('Lien de signature envoyé'), `the notice confirms the link: HTTP ${response.status()} ${linked.slice(0, 600)}`);
  await auditPage(page, 'immersion link sent');
  await page.screenshot({ path: screenshotPath, fullPage: true });

  // The ESAT's own sheet in the directory: its FINESS number, as data·inclusion takes ESAT in.
  response = await page.goto(url('/annuaire?q=Suzon'));
  await expectPage(page, response, '/annuaire', /^Annuaire/);
  response = await click(page, page.locator('main table tbody').getByRole('link', { name: 'ESAT Les Ateliers du Suzon', exact: true }));
  const finess = page.locator('#formulaire-finess');
  check((await finess.locator('#finess').inputValue()) === '210784562', 'the sheet shows the demo FINESS number');
  await finess.locator('#finess').fill('21 078 45');
  response = await click(page, finess.getByRole('button', { name: 'Enregistrer le numéro FINESS' }));
  check(response.status() === 422, `a malformed FINESS answers 422, not ${response.status()}`);
  const finessRefusal = await errorNextTo(page, 'finess');
  check(finessRefusal.includes('9 caractères'), `the refusal says the format: ${finessRefusal}`);
  check((await page.locator('#finess').inputValue()) === '21 078 45', 'the number typed is kept');
  await auditPage(page, 'FINESS refused');
  await page.locator('#finess').fill('21 078 456 3');
  response = await click(page, page.getByRole('button', { name: 'Enregistrer le numéro FINESS' }));
  const recorded = await page.locator('main').innerText();
  check(recorded.includes('Numéro FINESS enregistré') && recorded.includes('210784563'), `the number is recorded: HTTP ${response.status()} ${recorded.slice(0, 600)}`);
  await auditPage(page, 'FINESS recorded');

  check(pageErrors.length === 0, `errors in the browser:\n  ${pageErrors.join('\n  ')}`);
  await context.close();
});

/** The worker page's path, whatever its id. */
function pathOfWorker(page) {
  return new URL(page.url()).pathname;
}
