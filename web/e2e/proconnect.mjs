#!/usr/bin/env node
// Browser test of « S'identifier avec ProConnect », in headless Chromium, against the local provider the test
// started (web/e2e/oidc-provider.mjs): the sign-in page with its button (audited) → the provider's page → signed
// in on the home page; then an identity no account has → the page asking for an administrator's invitation
// (audited).
//
// Usage: node web/e2e/proconnect.mjs <base-url> <email> <password> <provider-login> <provider-password> <unknown-login>
// Exit code 0 when every check passes and axe finds no serious or critical violation; 1 otherwise; 2 on a
// usage error.

import { auditPage, check, click, themeStarted, openPage, pathOf, runJourney } from './harness.mjs';

const USAGE =
  'usage: node web/e2e/proconnect.mjs <base-url> <email> <password> <provider-login> <provider-password> <unknown-login>';

const [baseArg, , , login, password, unknown] = process.argv.slice(2);
if (!baseArg || !login || !password || !unknown) {
  console.error(USAGE);
  process.exit(2);
}
const base = baseArg.replace(/\/+$/, '');

/** From the sign-in page, through the provider's form as `who`; answers the page the browser lands on. */
async function signIn(page, who) {
  await page.goto(`${base}/connexion`);
  await themeStarted(page);
  await click(page, page.getByRole('link', { name: "S'identifier avec ProConnect", exact: true }));
  check(pathOf(page).startsWith('/interaction/'), `the provider's page: ${page.url()}`);
  await page.getByLabel('Identifiant').fill(who);
  await page.getByLabel('Mot de passe').fill(password);
  await Promise.all([
    page.waitForURL((url) => url.toString().startsWith(base)),
    page.getByRole('button', { name: 'Se connecter', exact: true }).click(),
  ]);
  await themeStarted(page);
}

async function run(browser) {
  // The refusal page answers 403 on purpose; Chromium logs it.
  const { context, page, pageErrors } = await openPage(browser, (text) => /status of 403/.test(text));

  await page.goto(`${base}/connexion`);
  await themeStarted(page);
  await auditPage(page, 'sign-in with ProConnect');

  await signIn(page, login);
  const code = await page.locator('main [data-code]').getAttribute('data-code', { timeout: 1000 }).catch(() => null);
  check(pathOf(page) === '/', `signed in on the home page: ${page.url()} ${code ?? ''}`);
  check((await page.getByRole('button', { name: 'Se déconnecter' }).count()) > 0, 'signed in: « Se déconnecter »');

  const fresh = await openPage(browser, (text) => /status of 403/.test(text));
  await signIn(fresh.page, unknown);
  const alert = fresh.page.locator('main [data-code]');
  check((await alert.getAttribute('data-code')) === 'proconnect_invitation_required', 'the invitation page');
  check((await alert.innerText()).includes('doit d’abord vous inviter') || (await alert.innerText()).includes("doit d'abord vous inviter"), 'the invitation is explained');
  await auditPage(fresh.page, 'invitation required');

  const errors = [...pageErrors, ...fresh.pageErrors];
  check(errors.length === 0, `errors in the browser:\n  ${errors.join('\n  ')}`);
  await fresh.context.close();
  await context.close();
}

await runJourney('sign-in with ProConnect', run);
