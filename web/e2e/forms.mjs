#!/usr/bin/env node
// Browser test of the forms that used to lose what was typed, in headless Chromium:
//   the ACI records a CDDI too short and an exit dated tomorrow: each form comes back refused with every value
//   kept and the message under it; the address bar's form address, opened again, leads back to the page (never
//   a 405); dates read in French. The ACI schedules the tripartite interview without a place (refused, kept),
//   then with one: the notice, and the interview « prévu le … » in French. Then the CTA's secretary plans a meeting ending before it starts (refused, kept),
//   plans it, and cancels it only once the confirmation box is ticked.
// Every page is audited with axe-core.
//
// Usage: node web/e2e/forms.mjs <base-url> <siae-email> <password> <secretary-email>
//
// Exit code 0 when every check passes and axe finds no serious or critical violation; 1 otherwise;
// 2 on a usage error.

import { auditPage, check, click, day, expectPage, logIn, menuLink, openPage, pathOf, runJourney } from './harness.mjs';

const USAGE = 'usage: node web/e2e/forms.mjs <base-url> <siae-email> <password> <secretary-email>';
const HIRED = 'Durand';

const [baseArg, siaeEmail, password, secretaryEmail] = process.argv.slice(2);
if (!baseArg || !siaeEmail || !password || !secretaryEmail) {
  console.error(USAGE);
  process.exit(2);
}
const base = baseArg.replace(/\/+$/, '');
const url = (path) => `${base}${path}`;
const ISO_DATE = /\b\d{4}-\d{2}-\d{2}\b/;

/** A refused form's answer is a 422 the browser reports as a failed resource: not an error of the page. */
const expected422 = (text) => text.includes('status of 422');

async function signIn(page, email) {
  const response = await page.goto(url('/connexion'));
  await expectPage(page, response, '/connexion', /^Connexion/);
  await expectPage(page, await logIn(page, email, password), '/', /^Bonjour/);
}

const mainText = async (page) => (await page.locator('main').innerText()).replace(/\s+/g, ' ');

/** The refused form's message, under the form that was sent. */
async function refusal(page, form) {
  return (await page.locator(`${form} .fr-alert, ${form} .fr-error-text, main .fr-alert--error`).allInnerTexts())
    .join(' ')
    .replace(/\s+/g, ' ');
}

async function siaeSide(browser, errors) {
  const { context, page, pageErrors } = await openPage(browser, expected422);
  await signIn(page, siaeEmail);

  await click(page, await menuLink(page, 'Personnes accompagnées'));
  await click(page, page.locator('main table').getByRole('link', { name: new RegExp(HIRED) }));
  const person = pathOf(page);
  const record = await mainText(page);
  check(!ISO_DATE.test(record), `the person's page shows an ISO date: ${record.match(ISO_DATE)}`);
  check(record.includes('12 mars 1994'), "the birth date is not written « 12 mars 1994 »");

  let response = await click(page, page.getByRole('link', { name: 'PASS IAE et parcours' }));
  const approval = `${person}/parcours-iae`;
  await expectPage(page, response, approval, /^PASS IAE – /);
  check(!ISO_DATE.test(await mainText(page)), 'the approval page shows an ISO date');

  // A CDDI of a few days: refused (4 months at least), every value kept, on the same page.
  const contract = page.locator('#formulaire-contrat');
  await contract.locator('#cddi-from').fill(day(1));
  await contract.locator('#cddi-to').fill(day(20));
  await contract.locator('#cddi-hours').fill('26');
  response = await click(page, contract.getByRole('button'));
  check(response.status() === 422, `a CDDI of 20 days answers ${response.status()}`);
  check(/4 mois/.test(await refusal(page, '#formulaire-contrat')), `the refusal does not say why: ${await refusal(page, '#formulaire-contrat')}`);
  check((await page.locator('#cddi-to').inputValue()) === day(20), 'the refused contract lost its end date');
  check((await page.locator('#cddi-hours').inputValue()) === '26', 'the refused contract lost its hours');
  await auditPage(page, 'contract refused');

  // The address bar shows the form's address: opened again, it leads to the approval page.
  check(pathOf(page) === `${approval}/contrat`, `after the refusal the browser is on ${page.url()}`);
  response = await page.goto(page.url());
  await expectPage(page, response, approval, /^PASS IAE – /);

  // An exit dated tomorrow: refused, the skills text kept.
  const skills = 'Conduite de tondeuse autoportée, travail en équipe, ponctualité';
  const exit = page.locator('#formulaire-sortie');
  await exit.locator('#exit-on').fill(day(1));
  await exit.locator('#exit-skills').fill(skills);
  await exit.locator('label[for="exit-confirm"]').click();
  response = await click(page, exit.getByRole('button'));
  check(response.status() === 422, `an exit dated tomorrow answers ${response.status()}`);
  check((await page.locator('#exit-skills').inputValue()) === skills, 'the refused exit lost the skills text');
  check((await page.locator('#exit-on').inputValue()) === day(1), 'the refused exit lost its date');
  await auditPage(page, 'exit refused');

  // The tripartite interview scheduled without a place: refused, the date and time kept; with a place: scheduled.
  const interview = page.locator('#formulaire-entretien-prevu');
  await interview.locator('#interview-planned-on').fill(day(10));
  await interview.locator('#interview-time').fill('09:30');
  response = await click(page, interview.getByRole('button', { name: "Prévoir l'entretien" }));
  check(response.status() === 422, `an interview without a place answers ${response.status()}`);
  check(/Indiquez le lieu/.test(await refusal(page, '#formulaire-entretien-prevu')), 'the refusal does not say why');
  check((await page.locator('#interview-planned-on').inputValue()) === day(10), 'the refused interview lost its date');
  check((await page.locator('#interview-time').inputValue()) === '09:30', 'the refused interview lost its time');
  await auditPage(page, 'interview refused');
  await page.locator('#interview-place').fill('Les Jardins de la Combe, Dijon');
  response = await click(page, page.locator('#formulaire-entretien-prevu').getByRole('button', { name: "Prévoir l'entretien" }));
  await expectPage(page, response, approval, /^PASS IAE – /);
  const scheduled = await mainText(page);
  check(scheduled.includes('Entretien tripartite prévu : la personne (si son courriel est connu), la SIAE'), 'the scheduling is not confirmed');
  check(/Entretien tripartite prévu le \d{1,2}(er)? \S+ \d{4} à 9 h 30, Les Jardins de la Combe/.test(scheduled), 'the interview is not « prévu le … » in French');
  check((await page.locator('#formulaire-entretien-deplace').count()) === 1, 'the scheduled interview cannot be moved');
  await auditPage(page, 'interview scheduled');
  errors.push(...pageErrors);
  await context.close();
}

async function secretarySide(browser, errors) {
  const { context, page, pageErrors } = await openPage(browser, expected422);
  await signIn(page, secretaryEmail);
  await click(page, await menuLink(page, 'Instances'));
  let response = await click(page, page.locator('main').getByRole('link', { name: /^CTA du bassin d'emploi de Dijon/ }).first());
  const committee = pathOf(page);
  await expectPage(page, response, committee, /^CTA du bassin d'emploi de Dijon/);

  // A meeting ending before it starts: refused, every value kept.
  const plan = page.locator(`form[action="${committee}/reunions"]`);
  await plan.locator('#held_on').fill(day(40));
  await plan.locator('#start_time').fill('14:00');
  await plan.locator('#end_time').fill('12:00');
  await plan.locator('#place').fill('Maison de l\'emploi, Dijon');
  response = await click(page, plan.getByRole('button', { name: 'Planifier' }));
  check(response.status() === 422, `a meeting ending before it starts answers ${response.status()}`);
  check((await mainText(page)).includes('finir après avoir commencé'), 'the refusal does not say why');
  for (const [field, value] of [['#held_on', day(40)], ['#start_time', '14:00'], ['#end_time', '12:00'], ['#place', "Maison de l'emploi, Dijon"]]) {
    check((await page.locator(field).inputValue()) === value, `the refused meeting lost ${field}`);
  }
  await auditPage(page, 'meeting refused');
  await page.locator('#end_time').fill('16:00');
  response = await click(page, page.getByRole('button', { name: 'Planifier' }));
  const meeting = pathOf(page);
  check(/^\/reunions\/[0-9a-f-]{36}$/.test(meeting), `planning leads to ${page.url()}`);
  check((await mainText(page)).includes('Réunion planifiée'), 'the planning is not confirmed');

  // Cancelling asks for the confirmation box first: without it the browser does not send the form.
  const cancel = page.locator(`form[action="${meeting}/annulation"]`);
  await cancel.getByRole('button', { name: 'Annuler la réunion' }).click();
  check(pathOf(page) === meeting, 'the meeting page was left without confirmation');
  check((await cancel.locator('#confirm').evaluate((box) => box.validity.valueMissing)), 'the confirmation box is not required');
  await cancel.locator('label[for="confirm"]').click();
  response = await click(page, cancel.getByRole('button', { name: 'Annuler la réunion' }));
  await expectPage(page, response, meeting, /./);
  check((await mainText(page)).includes('Réunion annulée'), 'the cancellation is not confirmed');
  check((await page.locator(`form[action="${meeting}/annulation"]`).count()) === 0, 'a cancelled meeting is offered for cancellation');
  await auditPage(page, 'meeting cancelled');
  errors.push(...pageErrors);
  await context.close();
}

await runJourney('forms journey', async (browser) => {
  const errors = [];
  await siaeSide(browser, errors);
  await secretarySide(browser, errors);
  check(errors.length === 0, `errors in the browser:\n  ${errors.join('\n  ')}`);
});
