#!/usr/bin/env node
// Browser test of the pages open to all, in headless Chromium, without an account:
//   the sign-in page → its footer's « Accessibilité : partiellement conforme », « Mentions légales » and
//   « Données personnelles » → « Mot de passe oublié ? » → the request, answered on the sign-in page with its
//   notice → the e-mailed link (given by the test, which read it in the outbox) → two different entries,
//   refused next to their field → the new password → signed in with it → the link again, refused.
// An accessibility audit (axe-core) runs on each of those pages.
//
// Usage: node web/e2e/legal.mjs <base-url> <email> <password> <link-path> <new-password>
// Exit code 0 when every check passes and axe finds no serious or critical violation; 1 otherwise; 2 on a
// usage error.

import { auditPage, check, click, themeStarted, logIn, openPage, pathOf, runJourney } from './harness.mjs';

const USAGE = 'usage: node web/e2e/legal.mjs <base-url> <email> <password> <link-path> <new-password>';

const [baseArg, email, , linkPath, newPassword] = process.argv.slice(2);
if (!baseArg || !email || !linkPath || !newPassword) {
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
  // The refused entries (422) and the spent link (410) are answered so on purpose; Chromium logs them.
  const { context, page, pageErrors } = await openPage(browser, (text) => /status of (422|410)/.test(text));

  // 1. The three pages, from the footer of the sign-in page.
  for (const [link, title, path] of [
    ['Accessibilité : partiellement conforme', "Déclaration d'accessibilité", '/accessibilite'],
    ['Mentions légales', 'Mentions légales', '/mentions-legales'],
    ['Données personnelles', 'Données personnelles', '/donnees-personnelles'],
  ]) {
    await page.goto(`${base}/connexion`);
    const response = await click(page, page.locator('footer').getByRole('link', { name: link, exact: true }));
    check(response?.status() === 200 && pathOf(page) === path, `${link}: HTTP ${response?.status()} on ${page.url()}`);
    check((await heading(page)) === title, `${path}: unexpected heading « ${await heading(page)} »`);
    await auditPage(page, path.slice(1, 13));
  }

  // 2. « Mot de passe oublié ? » → the request → the sign-in page with the same answer for any address.
  await page.goto(`${base}/connexion`);
  await click(page, page.getByRole('link', { name: 'Mot de passe oublié ?', exact: true }));
  check((await heading(page)) === 'Mot de passe oublié', `forgotten: « ${await heading(page)} »`);
  await auditPage(page, 'forgotten');
  await page.getByLabel(/^Adresse électronique/).fill(email);
  await click(page, page.getByRole('button', { name: 'Recevoir un lien', exact: true }));
  check(pathOf(page) === '/connexion', `after the request: ${page.url()}`);
  const notice = plain(await page.locator('main [role="status"]').innerText());
  check(notice.startsWith("Si un compte existe pour cette adresse, un message vient d'être envoyé"), `notice: « ${notice} »`);
  await auditPage(page, 'requested');

  // 3. The link: two different entries are refused next to the confirmation, then the new password.
  await page.goto(`${base}${linkPath}`);
  check((await heading(page)) === 'Choisir un nouveau mot de passe', `link: « ${await heading(page)} »`);
  await auditPage(page, 'choose');
  await page.getByLabel(/^Nouveau mot de passe/).fill(newPassword);
  await page.getByLabel('Confirmez le nouveau mot de passe').fill(`${newPassword}-autre`);
  const refused = await click(page, page.getByRole('button', { name: 'Enregistrer le mot de passe' }));
  check(refused?.status() === 422, `mismatch: HTTP ${refused?.status()}`);
  check(plain(await page.locator('main').innerText()).includes('Les deux saisies du mot de passe diffèrent'), 'the mismatch is said');
  await auditPage(page, 'mismatch');
  await page.getByLabel(/^Nouveau mot de passe/).fill(newPassword);
  await page.getByLabel('Confirmez le nouveau mot de passe').fill(newPassword);
  await click(page, page.getByRole('button', { name: 'Enregistrer le mot de passe' }));
  check(pathOf(page) === '/connexion', `after the change: ${page.url()}`);
  check(plain(await page.locator('main [role="status"]').innerText()).startsWith('Mot de passe modifié'), 'the change is confirmed');
  await logIn(page, email, newPassword);
  check(pathOf(page) === '/', `signed in with the new password: ${page.url()}`);

  // 4. The link a second time.
  const spent = await page.goto(`${base}${linkPath}`);
  check(spent?.status() === 410, `the spent link: HTTP ${spent?.status()}`);
  check(plain(await page.locator('main').innerText()).includes('Ce lien a déjà servi'), 'the spent link is explained');
  await auditPage(page, 'spent');

  check(pageErrors.length === 0, `errors in the browser:\n  ${pageErrors.join('\n  ')}`);
  await context.close();
}

await runJourney('legal pages and password reset', run);
