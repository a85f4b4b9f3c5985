#!/usr/bin/env node
// Browser test of the CTA secretary's journey, in headless Chromium:
//   log in → « Instances » → the demo CTA (frequency, members, action items) → its coming meeting →
//   accept the agenda item an SIAE proposed → send the invitation → add a document through the form →
//   « Échéances et calendrier » (month grid),
// with an accessibility audit (axe-core) of each page.
//
// Usage: node web/e2e/governance.mjs <base-url> <email> <password> <screenshot-path>
//
// Exit code 0 when every check passes and axe finds no violation of impact "serious" or "critical"; 1
// otherwise, with a readable report on stderr; 2 on a usage error.

import { auditPage, check, click, expectPage, logIn, openPage, runJourney, menuLink } from './harness.mjs';

const USAGE = 'usage: node web/e2e/governance.mjs <base-url> <email> <password> <screenshot-path>';
const [baseArg, email, password, screenshotPath] = process.argv.slice(2);
if (!baseArg || !email || !password || !screenshotPath) {
  console.error(USAGE);
  process.exit(2);
}
const base = baseArg.replace(/\/+$/, '');
const url = (path) => `${base}${path}`;

await runJourney('CTA secretary journey', async (browser) => {
  const { context, page, pageErrors } = await openPage(browser);
  let response = await page.goto(url('/connexion'));
  await expectPage(page, response, '/connexion', /^Connexion/);
  await expectPage(page, await logIn(page, email, password), '/', /^Bonjour/);

  response = await click(page, await menuLink(page, 'Instances'));
  await expectPage(page, response, '/instances', /^Instances de gouvernance/);
  await auditPage(page, 'committees');

  response = await click(page, page.getByRole('link', { name: "CTA du bassin d'emploi de Dijon" }));
  const ctaPath = new URL(page.url()).pathname;
  await expectPage(page, response, ctaPath, /^CTA du bassin d'emploi de Dijon/);
  const main = await page.locator('main').innerText();
  check(main.includes('Trimestrielle'), 'the required frequency is shown');
  check(main.includes('feuille de route'), "the regional agreement's roadmap is among the action items");
  check(main.includes('Voix délibérative') && main.includes('Voix consultative'), 'members and their votes');
  await auditPage(page, 'committee');

  response = await click(page, page.locator('main a[href^="/reunions/"]').first());
  const meetingPath = new URL(page.url()).pathname;
  await expectPage(page, response, meetingPath, /^Réunion du /);
  check((await page.locator('main').innerText()).includes('Accès des salariés en ACI aux formations POEC'),
    'the item the ACI proposed is on the agenda');
  response = await click(page, page.getByRole('button', { name: /^Retenir/ }).first());
  await expectPage(page, response, meetingPath, /^Réunion du /);
  response = await click(page, page.getByRole('button', { name: "Envoyer l'invitation et l'ordre du jour" }));
  await expectPage(page, response, meetingPath, /^Réunion du /);
  check(await page.getByRole('button', { name: /^Renvoyer l'invitation/ }).count() === 1, 'the invitation was sent');
  const trail = page.getByRole('navigation', { name: 'vous êtes ici :' });
  check((await trail.locator('[aria-current="page"]').innerText()).startsWith('Réunion du '),
    'the breadcrumb ends on the meeting');
  check(await trail.getByRole('link', { name: "CTA du bassin d'emploi de Dijon" }).count() === 1,
    'the breadcrumb goes back to the committee');
  // The secretariat adds a document through the page's file form; it is then listed, ready to download.
  await page.getByLabel(/^Document à joindre/).setInputFiles({
    name: 'Ordre du jour détaillé.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.7\nOrdre du jour du CTA\n'),
  });
  response = await click(page, page.getByRole('button', { name: 'Ajouter le document' }));
  await expectPage(page, response, meetingPath, /^Réunion du /);
  check((await page.locator('main').innerText()).includes('Document ajouté'), 'the notice confirms the document');
  check(await page.getByRole('link', { name: 'Ordre du jour détaillé.pdf' }).count() === 1, 'the document is listed');
  await auditPage(page, 'meeting');
  await page.screenshot({ path: screenshotPath, fullPage: false });

  response = await click(page, await menuLink(page, 'Instances'));
  await expectPage(page, response, '/instances', /^Instances de gouvernance/);
  response = await click(page, page.getByRole('link', { name: 'Échéances et calendrier' }));
  await expectPage(page, response, '/echeances', /^Échéances et réunions/);
  check(await page.locator('main table caption').count() === 1, 'the month grid is a table with its caption');
  await auditPage(page, 'deadlines');

  check(pageErrors.length === 0, `errors in the browser:\n  ${pageErrors.join('\n  ')}`);
  await context.close();
});
