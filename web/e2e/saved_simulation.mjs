#!/usr/bin/env node
// Browser test of a counsellor saving a benefits simulation to a person's record, in headless Chromium:
//   log in → the person's page → « Simuler ses droits » → the simulator says for whom → the situation and one
//   scenario → results with the button to save them in the record → saved: back on the person's page with the
//   notice and the simulation under « Simulations de droits » → « Parcours complet »: the same simulation in the
//   person's pathway, to be opened again in the simulator.
// An accessibility audit (axe-core) runs on the simulator's results, the person's page and the pathway.
//
// Usage: node web/e2e/saved_simulation.mjs <base-url> <email> <password> <person-id> <person-name>
// Exit code 0 when every check passes and axe finds no violation of impact "serious" or "critical";
// 1 otherwise, with a readable report on stderr; 2 on a usage error.

import { auditPage, check, click, expectPage, logIn, openPage, runJourney } from './harness.mjs';

const [baseArg, email, password, personId, personName] = process.argv.slice(2);
if (!baseArg || !email || !password || !personId || !personName) {
  console.error('usage: node web/e2e/saved_simulation.mjs <base-url> <email> <password> <person-id> <person-name>');
  process.exit(2);
}
const base = baseArg.replace(/\/+$/, '');
const url = (path) => `${base}${path}`;
const plain = (text) => (text ?? '').replace(/[\u202f\u00a0\s]+/g, ' ').trim();

await runJourney('saved simulation', async (browser) => {
  const { context, page, pageErrors } = await openPage(browser);
  let response = await page.goto(url('/connexion'));
  await expectPage(page, response, '/connexion', /^Connexion/);
  await expectPage(page, await logIn(page, email, password), '/', /^Bonjour/);

  // 1. From the person's page to the simulator, which names the person.
  const personPath = `/personnes/${personId}`;
  response = await page.goto(url(personPath));
  await expectPage(page, response, personPath, new RegExp(`^${personName}$`));
  response = await click(page, page.getByRole('link', { name: "Simuler ses droits (AAH, prime d'activité)" }));
  await expectPage(page, response, '/simulateur', /^Simulateur de droits$/);
  check(
    plain(await page.locator('#simulation-personne').textContent()).includes(`Simulation pour ${personName}`),
    'the simulator does not say for whom it simulates',
  );

  // 2. The situation and one scenario: from ESAT pay of 700 € to 24 h a week in ordinary employment.
  const form = page.getByRole('form', { name: 'Situation et scénarios à simuler' });
  await form.getByLabel('Date de naissance').fill('1985-09-30');
  await form.getByLabel("Taux d'incapacité (%)").fill('80');
  await form.getByLabel('Activité actuelle').selectOption('esat');
  await form.getByLabel('Rémunération actuelle').fill('700');
  await form.getByLabel('Premier mois').fill('2026-01');
  await form.getByLabel('Durée en mois').fill('12');
  const scenario = form.getByRole('group', { name: 'Scénario 1', exact: true });
  await scenario.getByLabel('Changement').selectOption('ordinary');
  await scenario.getByLabel('Heures par semaine').fill('24');
  await scenario.getByLabel('À partir de').fill('2026-03');
  response = await click(page, form.getByRole('button', { name: 'Simuler' }));
  await expectPage(page, response, '/simulateur', /^Simulateur de droits$/);
  check((await page.locator('#resultats').count()) === 1, 'no results after « Simuler »');
  const save = page.getByRole('button', { name: `Enregistrer dans le dossier de ${personName}` });
  check((await save.count()) === 1, 'no button to save the simulation in the record');
  await auditPage(page, 'results for a person');

  // 3. Saved: the person's page says so and lists it.
  response = await click(page, save);
  await expectPage(page, response, personPath, new RegExp(`^${personName}$`));
  check(
    plain(await page.locator('main [role="status"]').first().textContent()).startsWith('Simulation enregistrée dans le dossier'),
    'no notice after saving',
  );
  const saved = page.locator('.passerelle-simulation');
  check((await saved.count()) === 1, `one simulation in the record, not ${await saved.count()}`);
  const title = plain(await saved.locator('.fr-card__title').textContent());
  check(plain(await saved.textContent()).includes('janvier 2026'), `the saved simulation does not give its months: « ${plain(await saved.textContent())} »`);
  await auditPage(page, 'person with a saved simulation');

  // 4. The person's pathway shows the same simulation, and opens it again in the simulator.
  response = await click(page, page.getByRole('link', { name: 'Parcours complet' }));
  await expectPage(page, response, `${personPath}/parcours-complet`, new RegExp(`^Parcours de ${personName}$`));
  const inPathway = page.locator('#simulations ~ .passerelle-simulation, .passerelle-simulation');
  check((await inPathway.count()) === 1, 'the pathway does not show the saved simulation');
  check(plain(await inPathway.locator('.fr-card__title').textContent()) === title, 'the pathway shows another simulation');
  await auditPage(page, 'pathway with a saved simulation');
  response = await click(page, inPathway.getByRole('link', { name: 'Ouvrir dans le simulateur' }));
  check(response.ok() && (await page.locator('#resultats').count()) === 1, 'the saved simulation does not open in the simulator');
  check(
    (await page.getByRole('form', { name: 'Situation et scénarios à simuler' }).getByLabel('Rémunération actuelle').inputValue()) === '700',
    'the simulator opened again without the saved values',
  );

  check(pageErrors.length === 0, `errors in the browser:\n  ${pageErrors.join('\n  ')}`);
  await context.close();
});
