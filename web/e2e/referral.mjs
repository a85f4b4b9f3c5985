#!/usr/bin/env node
// Browser test of the referral sheet (fiche navette) from both sides, in headless Chromium:
//   the SIAE opens a received application, is refused a refusal without motive, marks it received and
//   plans an interview, looks at its offers, its people in pathway and a PASS IAE; then the prescriber finds the
//   notification, opens the same sheet and withdraws the candidate with a motive, reads her PASS IAE page before
//   any hiring (what comes next) and corrects her phone number on her record's edit page.
// Every page is audited with axe-core.
//
// Usage: node web/e2e/referral.mjs <base-url> <siae-email> <password> <prescriber-email> <screenshot-path>
//
// Exit code 0 when every check passes and axe finds no serious or critical violation; 1 otherwise;
// 2 on a usage error.

import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { auditPage, check, click, expectPage, logIn, openPage, pathOf, runJourney, menuLink } from './harness.mjs';

const USAGE = 'usage: node web/e2e/referral.mjs <base-url> <siae-email> <password> <prescriber-email> <screenshot-path>';
const CANDIDATE = 'Inès Marchal';
const HIRED = 'Durand';

const [baseArg, siaeEmail, password, prescriberEmail, screenshotPath] = process.argv.slice(2);
if (!baseArg || !siaeEmail || !prescriberEmail || !password || !screenshotPath) {
  console.error(USAGE);
  process.exit(2);
}
const base = baseArg.replace(/\/+$/, '');
const url = (path) => `${base}${path}`;
const SHEET = /^\/prescriptions\/[0-9a-f-]{36}$/;

async function menu(page, name) {
  return click(page, (await menuLink(page, name)));
}

async function steps(page) {
  return (await page.locator('main ol.passerelle-steps > li strong').allTextContents()).map((s) => s.trim());
}

/** Fills the step form and submits it. */
async function addStep(page, fields) {
  const form = page.locator('form[action$="/etapes"]');
  await form.locator('#status').selectOption(fields.status);
  if (fields.date) await form.locator('#date').fill(fields.date);
  if (fields.motive) await form.locator('#motive').selectOption(fields.motive);
  if (fields.comment) await form.locator('#comment').fill(fields.comment);
  return click(page, form.getByRole('button', { name: "Enregistrer l'étape" }));
}

async function signIn(page, email) {
  const response = await page.goto(url('/connexion'));
  await expectPage(page, response, '/connexion', /^Connexion/);
  await expectPage(page, await logIn(page, email, password), '/', /^Bonjour/);
}

/** The browser reports the expected 422 of a refused step as a failed resource: not an error of the page. */
const expected422 = (text) => text.includes('status of 422');

async function siaeSide(browser, errors) {
  const { context, page, pageErrors } = await openPage(browser, expected422);
  await signIn(page, siaeEmail);

  let response = await menu(page, 'Candidatures');
  await expectPage(page, response, '/prescriptions', /^Candidatures et prescriptions/);
  await auditPage(page, 'candidatures');
  response = await click(page, page.locator('main table').first().getByRole('link', { name: CANDIDATE, exact: true }));
  const sheet = pathOf(page);
  check(SHEET.test(sheet), `unexpected sheet address ${sheet}`);
  await expectPage(page, response, sheet, new RegExp(`^Fiche navette – ${CANDIDATE}$`));
  await auditPage(page, 'sheet (SIAE)');
  check((await steps(page)).join('|') === 'envoyée', `a fresh sheet has only its sending: ${await steps(page)}`);

  // A refusal without a motive is refused, with a message saying why.
  const comment = 'Poste pourvu en interne, à revoir au printemps';
  response = await addStep(page, { status: 'refused', comment });
  check(response.status() === 422, `a refusal without motive answers ${response.status()}`);
  check((await page.locator('#comment').inputValue()) === comment, 'the refused step lost its comment');
  const alert = (await page.locator('main .fr-alert').innerText()).replace(/\s+/g, ' ');
  check(/motivé/.test(alert), `the error does not ask for a motive: ${alert}`);
  check((await page.locator('#status').inputValue()) === 'refused', 'the refused form keeps the chosen step');
  await auditPage(page, 'sheet error');

  response = await addStep(page, { status: 'received' });
  await expectPage(page, response, sheet, /^Fiche navette/);
  check(
    (await page.locator('main [role="status"]').innerText()).includes('Étape enregistrée'),
    'the step is confirmed',
  );
  response = await addStep(page, { status: 'interview_planned', date: '2026-12-15' });
  await expectPage(page, response, sheet, /^Fiche navette/);
  const written = await steps(page);
  check(
    written.join('|') === 'envoyée|reçue par la SIAE|entretien prévu',
    `the sheet shows ${written.join(' | ')}`,
  );
  await mkdir(dirname(screenshotPath), { recursive: true });
  await page.screenshot({ path: screenshotPath, fullPage: true });
  console.log(`info screenshot written to ${screenshotPath}`);

  response = await menu(page, 'Offres');
  await expectPage(page, response, '/offres', /^Offres des SIAE/);
  await auditPage(page, 'offers');

  response = await menu(page, 'Parcours et à faire');
  await expectPage(page, response, '/parcours', /^Parcours et à faire/);
  check((await page.locator('main table').innerText()).includes(HIRED), `${HIRED} is not among the people in pathway`);
  await auditPage(page, 'pathways');

  // The PASS IAE opened by a hiring of the demo: timeline and next steps.
  response = await menu(page, 'Personnes accompagnées');
  response = await click(page, page.locator('main table').getByRole('link', { name: new RegExp(HIRED) }));
  response = await click(page, page.getByRole('link', { name: 'PASS IAE et parcours' }));
  await expectPage(page, response, pathOf(page), /^PASS IAE – /);
  check((await page.locator('main ul.passerelle-next > li').count()) >= 5, 'the approval page lists what may come next');
  await auditPage(page, 'approval');
  errors.push(...pageErrors);
  await context.close();
  return sheet;
}

async function prescriberSide(browser, errors, sheet) {
  const { context, page, pageErrors } = await openPage(browser);
  await signIn(page, prescriberEmail);

  let response = await menu(page, 'Notifications');
  await expectPage(page, response, '/notifications', /^Notifications/);
  await auditPage(page, 'notifications');
  response = await click(page, page.getByRole('link', { name: `${CANDIDATE} : entretien prévu` }).first());
  await expectPage(page, response, sheet, new RegExp(`^Fiche navette – ${CANDIDATE}$`));
  await auditPage(page, 'sheet (prescriber)');
  const options = await page.locator('#status option').evaluateAll((o) => o.map((x) => x.value));
  check(options.join('|') === '|withdrawn', `the prescriber may only withdraw: ${options}`);
  check((await page.locator('#status').inputValue()) === '', 'no step is chosen in advance (a withdrawal ends the sheet)');

  response = await addStep(page, { status: 'withdrawn', motive: 'situation_changed', comment: 'Entrée en formation' });
  await expectPage(page, response, sheet, /^Fiche navette/);
  const written = await steps(page);
  check(written.at(-1) === 'retirée par le prescripteur', `last step: ${written.at(-1)}`);
  check((await page.locator('main').innerText()).includes('la situation de la personne a changé'), 'the motive is shown');
  check((await page.locator('form[action$="/etapes"]').count()) === 0, 'a closed sheet offers no more steps');

  // Her PASS IAE page with no hiring: what comes next and who does it (never a 404); then her record is corrected.
  response = await menu(page, 'Personnes accompagnées');
  response = await click(page, page.locator('main table').getByRole('link', { name: /Marchal/ }));
  const person = pathOf(page);
  response = await click(page, page.getByRole('link', { name: 'PASS IAE et parcours' }));
  await expectPage(page, response, `${person}/parcours-iae`, /^PASS IAE et parcours – /);
  const waiting = (await page.locator('main').innerText()).replace(/\s+/g, ' ');
  check(waiting.includes("Aucune embauche en SIAE pour l'instant"), `the page does not say that no hiring happened: ${waiting}`);
  await auditPage(page, 'pathway before a hiring');
  response = await page.goto(url(person));
  response = await click(page, page.getByRole('link', { name: 'Modifier la fiche' }));
  await expectPage(page, response, `${person}/modifier`, /^Modifier la fiche – /);
  await auditPage(page, 'record edit');
  await page.locator('#phone').fill('06 11 22 33 44');
  response = await click(page, page.getByRole('button', { name: 'Enregistrer la fiche' }));
  await expectPage(page, response, person, new RegExp(`^${CANDIDATE}$`));
  const saved = await page.locator('main').innerText();
  check(saved.includes('Fiche mise à jour.') && saved.includes('06 11 22 33 44'), `the record is not confirmed: ${saved}`);
  errors.push(...pageErrors);
  await context.close();
}

await runJourney('referral sheet journey', async (browser) => {
  const errors = [];
  const sheet = await siaeSide(browser, errors);
  await prescriberSide(browser, errors, sheet);
  check(errors.length === 0, `errors in the browser:\n  ${errors.join('\n  ')}`);
});
