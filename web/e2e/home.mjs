#!/usr/bin/env node
// Browser test of the home page of three roles (an ACI, a France Travail agency, the DDETS), at 1,024 px and on
// a phone: today's work with its counts leads to the page where it is done, the menu carries the same counts,
// the ACI administrator's journal of reads names what was read, nothing is wider than the screen, and axe-core
// finds no serious or critical violation.
//
// Usage: node web/e2e/home.mjs <base-url> <email> <password> <screenshot-prefix> [<email>...]
//   The first account is the ACI, whose home counts the referral waiting for it; each account's home at
//   1,024 px is written to <screenshot-prefix>-<n>.png.

import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { NARROW, auditPage, check, click, expectPage, logIn, openPage, pathOf, runJourney } from './harness.mjs';

const USAGE = 'usage: node web/e2e/home.mjs <base-url> <email> <password> <screenshot-prefix> [<email>...]';
const [baseArg, email, password, shots, ...others] = process.argv.slice(2);
if (!baseArg || !email || !password || !shots) {
  console.error(USAGE);
  process.exit(2);
}
const base = baseArg.replace(/\/+$/, '');

/** Signs in as `account` on a screen of `viewport` and lands on the home page. */
async function home(browser, account, viewport) {
  const opened = await openPage(browser, () => false, viewport);
  let response = await opened.page.goto(`${base}/connexion`);
  response = await logIn(opened.page, account, password);
  await expectPage(opened.page, response, '/', /^Bonjour/);
  const overflow = await opened.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 0, `${account} at ${viewport.width} px: the page is ${overflow} px wider than the screen`);
  check(
    (await opened.page.getByRole('heading', { level: 2, name: "Aujourd'hui" }).count()) === 1,
    `${account}: the home has no « Aujourd'hui »`,
  );
  return opened;
}

await runJourney('home per role journey', async (browser) => {
  const errors = [];
  for (const [n, account] of [email, ...others].entries()) {
    // At 1,024 px; auditPage checks the same page on a phone too.
    const { context, page, pageErrors } = await home(browser, account, NARROW);
    await auditPage(page, `home ${n + 1}`);
    const path = `${shots}-${n + 1}.png`;
    await mkdir(dirname(path), { recursive: true });
    await page.screenshot({ path, fullPage: true });
    console.log(`info screenshot written to ${path}`);
    if (n === 0) {
      // The ACI's referral waiting for its answer leads to the referrals.
      const tile = page.getByRole('link', { name: /^Candidatures à traiter : \d+$/ });
      check((await tile.count()) === 1, 'the ACI home counts its referrals to answer');
      const waiting = (await tile.textContent()).match(/(\d+)\s*$/)[1];
      // The menu carries the same count, on the « Personnes » menu and beside « Candidatures ».
      const people = page.getByRole('button', { name: new RegExp(`^Personnes ${waiting} à traiter$`) });
      check((await people.count()) === 1, `the menu's « Personnes » does not count the home's ${waiting}`);
      await people.click();
      const referrals = page.getByRole('link', { name: new RegExp(`^Candidatures ${waiting} à traiter$`) });
      // The sub-menu opens with a transition: wait for it (a busy machine is slow).
      const shown = await referrals.waitFor({ state: 'visible', timeout: 10000 }).then(() => true, () => false);
      check(shown, `the menu's « Candidatures » does not count the home's ${waiting}`);
      const response = await click(page, tile);
      await expectPage(page, response, '/prescriptions', /^Candidatures/);
      check(pathOf(page) === '/prescriptions', 'the count leads to the referrals');
      // The administrator's journal of reads says what was read and leads to it, never an identifier.
      const journal = await click(page, page.getByRole('link', { name: 'Journal des consultations' }));
      await expectPage(page, journal, '/journal-des-consultations', /^Journal des consultations/);
      const rows = await page.locator('main table tbody').innerText();
      check(rows.includes('Liste') || rows.includes('Consultation'), `the journal names no read:\n${rows}`);
      check(!/[0-9a-f]{8}-[0-9a-f]{4}-/.test(rows), `the journal shows an identifier:\n${rows}`);
      await auditPage(page, 'journal of reads');
    }
    errors.push(...pageErrors);
    await context.close();
  }
  check(errors.length === 0, `page errors:\n${errors.join('\n')}`);
});
