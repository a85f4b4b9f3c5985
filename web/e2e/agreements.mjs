#!/usr/bin/env node
// Browser test of the agreements journey, in headless Chromium, as the ACI's director:
//   log in → « Conventions » in the main navigation → the CCL awaiting the ACI's signature, with its
//   checklist at 100 % → sign it → the regional agreement it declines → the comparison of its two versions
//   → the form that starts a new draft → a new CCL draft with the Dijon agency, written from the page: an
//   axis, an action sheet with each party's commitments (the reciprocity item turns satisfied), a
//   correspondent from the directory, then their substitute (the substitutes item turns satisfied), a refused
//   target shown next to its field; an accessibility audit (axe-core) of each of those pages.
//
// Usage: node web/e2e/agreements.mjs <base-url> <email> <password>
// Exit code 0 when every check passes and axe finds no serious or critical violation; 1 otherwise; 2 on a
// usage error.

import { auditPage, check, themeStarted, openPage, pathOf, runJourney, menuLink } from './harness.mjs';

const USAGE = 'usage: node web/e2e/agreements.mjs <base-url> <email> <password>';
const CCL = /^Convention de coopération locale entre/;
const REGIONAL = 'Accord régional de coopération Bourgogne-Franche-Comté';

const [baseArg, email, password] = process.argv.slice(2);
if (!baseArg || !email || !password) {
  console.error(USAGE);
  process.exit(2);
}
const base = baseArg.replace(/\/+$/, '');
const plain = (text) => (text ?? '').replace(/[\u202f\u00a0\s]+/g, ' ').trim();

async function heading(page) {
  await themeStarted(page);
  return plain(await page.locator('main h1').first().textContent());
}

async function run(browser) {
  // The refused target (step 9) is answered 422, which Chromium logs as a failed load.
  const { context, page, pageErrors } = await openPage(browser, (text) => text.includes('status of 422'));

  // 1. Log in, then « Conventions » in the main navigation.
  await page.goto(`${base}/connexion`);
  const login = page.locator('form[action="/connexion"]');
  await login.locator('input[name="email"]').fill(email);
  await login.locator('input[name="password"]').fill(password);
  await Promise.all([page.waitForNavigation(), login.getByRole('button', { name: 'Se connecter', exact: true }).click()]);
  await Promise.all([
    page.waitForNavigation(),
    (await menuLink(page, 'Conventions')).click(),
  ]);
  check((await heading(page)) === 'Conventions et accords', `/conventions: unexpected heading on ${page.url()}`);
  await auditPage(page, 'list');

  // 2. The CCL: complete, awaiting the ACI's signature.
  await Promise.all([page.waitForNavigation(), page.locator('main table').getByRole('link', { name: CCL }).click()]);
  check(CCL.test(await heading(page)), `the CCL's page: unexpected heading on ${page.url()}`);
  const checklist = plain(await page.locator('main').textContent());
  check(checklist.includes('100 %') && checklist.includes('en signature'), 'the CCL is not complete and awaiting signature');
  await auditPage(page, 'ccl');

  // 3. Sign it: the answer explains the new status.
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Signer', exact: true }).click()]);
  const notice = plain(await page.locator('main .fr-alert--success').innerText());
  check(notice.includes('Dernière signature') && notice.includes('en vigueur'), `after signing: « ${notice} »`);
  await auditPage(page, 'signed');

  // 4. The regional agreement it declines, then the comparison of its two versions.
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: REGIONAL, exact: true }).first().click()]);
  check((await heading(page)) === REGIONAL, `the regional agreement: unexpected heading on ${page.url()}`);
  await auditPage(page, 'regional');
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'comparer avec la version 1' }).click()]);
  check((await heading(page)) === 'Version 1 et version 2', `the comparison: unexpected heading on ${page.url()}`);
  const added = plain(await page.locator('main ins').allInnerTexts().then((t) => t.join(' ')));
  check(added.includes('2027'), `the comparison does not show the new end as added: « ${added} »`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(width <= 0, `the comparison is ${width} px wider than the screen`);
  await auditPage(page, 'comparison');

  // 5. The form that starts a new draft.
  await page.goto(`${base}/conventions/nouvelle`);
  check((await heading(page)) === 'Nouvelle convention', 'the new draft form: unexpected heading');
  await auditPage(page, 'new draft');

  // 6. A new CCL with the Dijon agency, declining the regional agreement.
  const valueOf = async (select, text) =>
    page.locator(`${select} option`).filter({ hasText: text }).first().getAttribute('value');
  await page.getByLabel('Type de convention').selectOption('local_cooperation');
  await page.getByLabel('Titre', { exact: true }).fill('CCL 2027 – Jardins de la Combe');
  await page.locator('#parent_id').selectOption(await valueOf('#parent_id', REGIONAL));
  await page.locator('#partner_id').selectOption(await valueOf('#partner_id', 'Agence France Travail Dijon Drapeau'));
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Commencer le brouillon' }).click()]);
  check((await heading(page)) === 'CCL 2027 – Jardins de la Combe', `the new draft: unexpected heading on ${page.url()}`);
  const item = async (label) => plain(await page.locator('.passerelle-checklist li').filter({ hasText: label }).textContent());
  const RECIPROCITY = 'Chaque partie prend au moins un engagement';
  const SUBSTITUTES = 'Chaque correspondant a un suppléant';
  check((await item(RECIPROCITY)).startsWith('manquant'), `reciprocity before: « ${await item(RECIPROCITY)} »`);
  await auditPage(page, 'draft');

  // 7. The missing item leads to its form: an axis, then an action sheet with each party's commitments.
  await page.locator('.passerelle-checklist').getByRole('link', { name: RECIPROCITY }).click();
  check(new URL(page.url()).hash === '#redaction-axes', `the checklist link leads to ${page.url()}`);
  const axis = page.locator('form#axe-0');
  await axis.getByLabel("Titre de l'axe").fill('Axe 1 : sécuriser les parcours');
  await Promise.all([page.waitForNavigation(), axis.getByRole('button', { name: 'Ajouter' }).click()]);
  const sheet = page.locator('form#fiche-0-0');
  await sheet.getByLabel('Titre de la fiche action').fill("Fiche 1 : l'entrée en parcours");
  await sheet.getByLabel('Objectifs').fill('Orienter les candidats\nRéduire les délais');
  await sheet.getByLabel('Mise en œuvre').fill('Une fiche navette commune.');
  await sheet.getByLabel('Engagements de Agence France Travail Dijon Drapeau').fill('Prescrire les candidats');
  await sheet.getByLabel('Engagements de Les Jardins de la Combe').fill('Répondre sous huit jours');
  await sheet.getByRole('textbox', { name: /^Nouvel indicateur/ }).fill('Délai moyen de réponse');
  await Promise.all([page.waitForNavigation(), sheet.getByRole('button', { name: 'Ajouter' }).click()]);
  check((await item(RECIPROCITY)).startsWith('rempli'), `reciprocity after: « ${await item(RECIPROCITY)} »`);

  // 8. A correspondent from the directory, then their substitute: the item turns satisfied.
  const newcomer = page.locator('form#correspondant-0');
  await newcomer.getByLabel('Pour la partie').selectOption({ label: 'Les Jardins de la Combe' });
  await newcomer.getByRole('combobox', { name: /^Correspondant/ }).selectOption({ label: 'Thomas Girard (Conseiller en insertion professionnelle)' });
  await Promise.all([page.waitForNavigation(), newcomer.getByRole('button', { name: 'Ajouter' }).click()]);
  check((await item(SUBSTITUTES)).startsWith('manquant'), `substitutes without one: « ${await item(SUBSTITUTES)} »`);
  const named = page.locator('form#correspondant-0');
  await named.getByRole('combobox', { name: /^Suppléant/ }).selectOption({ label: 'Léa Mercier (Encadrante technique)' });
  await Promise.all([page.waitForNavigation(), named.getByRole('button', { name: 'Enregistrer' }).click()]);
  check((await item(SUBSTITUTES)).startsWith('rempli'), `substitutes after: « ${await item(SUBSTITUTES)} »`);
  await auditPage(page, 'written');

  // 9. A refused entry: the message next to its field, what was typed kept.
  const targets = page.locator('form#objectifs');
  await targets.getByLabel('Indicateur (Nouvel objectif)').fill('Sorties en emploi durable');
  await targets.getByLabel('Valeur cible (Nouvel objectif)').fill('douze');
  await Promise.all([page.waitForNavigation(), targets.getByRole('button', { name: 'Enregistrer' }).click()]);
  const refused = plain(await page.locator('#objectifs-value-0-erreur').innerText());
  check(refused.includes('nombre entier'), `the refused target: « ${refused} »`);
  check((await page.locator('#objectifs-value-0').inputValue()) === 'douze', 'the typed value is lost');
  await auditPage(page, 'refused');

  check(pageErrors.length === 0, `errors in the browser:\n  ${pageErrors.join('\n  ')}`);
  await context.close();
}

await runJourney('agreements journey', run);
