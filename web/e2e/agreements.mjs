#!/usr/bin/env node
// Browser test of the agreements journey, in headless Chromium, as the ACI's director:
//   log in → « Conventions » in the main navigation → the CCL awaiting the ACI's signature, with its
//   checklist at 100 % → sign it → the regional agreement it declines → the comparison of its two versions
//   → the form that starts a new draft; an accessibility audit (axe-core) of each of those pages.
//
// Usage: node web/e2e/agreements.mjs <base-url> <email> <password>
// Exit code 0 when every check passes and axe finds no serious or critical violation; 1 otherwise; 2 on a
// usage error.

import { auditPage, check, dsfrStarted, openPage, pathOf, runJourney } from './harness.mjs';

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
  await dsfrStarted(page);
  return plain(await page.locator('main h1').first().textContent());
}

async function run(browser) {
  const { context, page, pageErrors } = await openPage(browser);

  // 1. Log in, then « Conventions » in the main navigation.
  await page.goto(`${base}/connexion`);
  const login = page.locator('form[action="/connexion"]');
  await login.locator('input[name="email"]').fill(email);
  await login.locator('input[name="password"]').fill(password);
  await Promise.all([page.waitForNavigation(), login.getByRole('button', { name: 'Se connecter', exact: true }).click()]);
  await Promise.all([
    page.waitForNavigation(),
    page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Conventions', exact: true }).click(),
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
  check(plain(await page.locator('main table').innerText()).includes('31 décembre 2027'), 'the comparison lacks the new end');
  await auditPage(page, 'comparison');

  // 5. The form that starts a new draft.
  await page.goto(`${base}/conventions/nouvelle`);
  check((await heading(page)) === 'Nouvelle convention', 'the new draft form: unexpected heading');
  await auditPage(page, 'new draft');

  check(pageErrors.length === 0, `errors in the browser:\n  ${pageErrors.join('\n  ')}`);
  await context.close();
}

await runJourney('agreements journey', run);
