#!/usr/bin/env node
// Browser test of a supported-employment counsellor, in headless Chromium:
//   log in → header menu « Emploi accompagné » → the dashboard (caseload chart and its table, seed 003
//   figures) → a person of the scheme → an activity recorded in module (b) through the form → a job, the
//   employer joining the individual convention, the exit with its reason → the person's one history with
//   its supported-employment steps → the person's skills record → a personal link made → the link opened without an account,
// with an accessibility audit (axe-core) of each page.
//
// Usage: node web/e2e/supported.mjs <base-url> <email> <password> <person-id> <screenshot-path>
//
// Exit code 0 when every check passes and axe finds no violation of impact "serious" or "critical"; 1
// otherwise, with a readable report on stderr; 2 on a usage error.

import { auditPage, check, click, day, expectPage, logIn, openPage, runJourney, menuLink } from './harness.mjs';

const USAGE = 'usage: node web/e2e/supported.mjs <base-url> <email> <password> <person-id> <screenshot-path>';

const [baseArg, email, password, personId, screenshotPath] = process.argv.slice(2);
if (!baseArg || !email || !password || !personId || !screenshotPath) {
  console.error(USAGE);
  process.exit(2);
}
const base = baseArg.replace(/\/+$/, '');
const url = (path) => `${base}${path}`;

await runJourney('supported-employment counsellor', async (browser) => {
  const { context, page, pageErrors } = await openPage(browser);
  let response = await page.goto(url('/connexion'));
  await expectPage(page, response, '/connexion', /^Connexion/);
  await expectPage(page, await logIn(page, email, password), '/', /^Bonjour/);

  response = await click(page, await menuLink(page, 'Emploi accompagné'));
  await expectPage(page, response, '/emploi-accompagne', /^Emploi accompagné/);
  const chart = page.getByRole('img', { name: /Personnes suivies par conseiller/ });
  check(await chart.count() === 1, 'the caseload chart is there, with its name');
  const rows = await page.locator('table:has(caption:has-text("Charge de chaque conseiller")) tbody tr').count();
  check(rows === 2, `one row per counsellor, not ${rows}`);
  const main = await page.locator('main').innerText();
  check(main.includes('Personnes accompagnées') && main.includes('55 %'), 'the seed 003 figures and their references');
  await auditPage(page, 'supported dashboard');
  await page.screenshot({ path: screenshotPath, fullPage: true });

  response = await page.goto(url(`/personnes/${personId}/emploi-accompagne`));
  await expectPage(page, response, `/personnes/${personId}/emploi-accompagne`, /^Emploi accompagné/);
  await auditPage(page, 'supported person');
  const before = await page.locator('table:has(caption:has-text("Activités")) tbody tr').count();
  const form = page.locator('form[action$="/emploi-accompagne/activite"]').first();
  await form.locator('select[name="module"]').selectOption('project');
  await form.locator('input[name="date"]').fill(day());
  await form.locator('input[name="minutes"]').fill('45');
  await form.locator('textarea[name="note"]').fill('Atelier CV et simulation d’entretien');
  response = await click(page, form.getByRole('button', { name: "Enregistrer l'activité" }));
  await expectPage(page, response, `/personnes/${personId}/emploi-accompagne`, /^Emploi accompagné/);
  const after = await page.locator('table:has(caption:has-text("Activités")) tbody tr').count();
  check(after === before + 1, `one more activity: ${before} then ${after}`);
  check((await page.locator('main').innerText()).includes('Atelier CV'), 'the note is shown');

  // Hired: the job, the employer joining the individual convention on that day, then the exit with its reason.
  const job = page.locator('form[action$="/emploi-accompagne/emploi"]').first();
  await job.locator('input[name="employer"]').fill('Librairie Grangier');
  await job.locator('input[name="position"]').fill('Libraire');
  await job.locator('select[name="contract"]').selectOption('cdi');
  await job.locator('input[name="date"]').fill(day());
  await job.locator('input[name="weekly_hours"]').fill('24');
  response = await click(page, job.getByRole('button', { name: "Enregistrer l'emploi" }));
  await expectPage(page, response, `/personnes/${personId}/emploi-accompagne`, /^Emploi accompagné/);
  const joining = page.locator('form[action$="/emploi-accompagne/employeur"]').first();
  await joining.locator('input[name="employer"]').fill('Librairie Grangier');
  await joining.locator('input[name="date"]').fill(day());
  response = await click(page, joining.getByRole('button', { name: "Enregistrer l'employeur" }));
  await expectPage(page, response, `/personnes/${personId}/emploi-accompagne`, /^Emploi accompagné/);
  check((await page.locator('main').innerText()).includes("rejointe par l'employeur Librairie Grangier"),
    'the employer joined the convention');
  const exit = page.locator('form[action$="/emploi-accompagne/sortie"]').first();
  await exit.locator('input[name="date"]').fill(day());
  await exit.locator('select[name="reason"]').selectOption('employment');
  await exit.locator('input[name="confirm"]').check({ force: true });
  response = await click(page, exit.getByRole('button', { name: 'Enregistrer la sortie' }));
  await expectPage(page, response, `/personnes/${personId}/emploi-accompagne`, /^Emploi accompagné/);
  check((await page.locator('main').innerText()).includes("emploi durable, sans besoin d'accompagnement"),
    'the exit shows its reason');
  await auditPage(page, 'supported person after the exit');

  response = await page.goto(url(`/personnes/${personId}/parcours-complet`));
  await expectPage(page, response, `/personnes/${personId}/parcours-complet`, /^Parcours de/);
  const history = await page.locator('main').innerText();
  for (const step of ['Entrée en emploi accompagné', 'Librairie Grangier rejoint la convention individuelle',
    "Sortie de l'emploi accompagné : emploi durable"]) {
    check(history.includes(step), `the one history shows « ${step} »`);
  }
  await auditPage(page, 'one history with supported employment');

  response = await page.goto(url(`/personnes/${personId}/emploi-accompagne`));
  response = await click(page, page.getByRole('link', { name: 'Carnet de parcours et de compétences' }));
  await expectPage(page, response, `/personnes/${personId}/carnet`, /^Carnet de parcours et de compétences/);
  await auditPage(page, 'skills record');
  response = await click(page, page.getByRole('button', { name: 'Créer un lien personnel' }));
  const link = await page.locator('#new-link').getAttribute('href');
  check(/^\/carnet\/[0-9a-f]{64}$/.test(link ?? ''), `a personal link is shown once: ${link}`);
  await auditPage(page, 'skills record link');

  // The person opens the link in a browser without any session.
  const visitor = await browser.newContext();
  const own = await visitor.newPage();
  response = await own.goto(url(link));
  await expectPage(own, response, link, /^Carnet de parcours et de compétences/);
  const text = await own.locator('main').innerText();
  check(text.includes('Emploi accompagné, module (b)'), 'the record shows the modules');
  check(!text.includes('Se déconnecter'), 'no account on the person’s page');
  await auditPage(own, 'personal link');
  await visitor.close();

  check(pageErrors.length === 0, `errors in the browser:\n  ${pageErrors.join('\n  ')}`);
  await context.close();
});
