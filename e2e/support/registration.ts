import { readFile } from 'node:fs/promises';
import { expect, type Locator, type Page } from '@playwright/test';
import { decodeDocumentUnverified } from '@registration/licensing/jws';
import { demoPaths } from '../../scripts/lib/demo.ts';
import { env } from './shell.ts';

// Steps of the registration page several spec files take, in English.

export const demo = () => demoPaths(env('E2E_DEMO_DIR'));

/**
 * Re-register (confirmed) if the node is registered, so that Register Now is offered; the Register Now
 * dialog the module opens after a Re-register is closed again, so each test opens it itself.
 */
export async function reRegisterIfRegistered(page: Page) {
  if (!(await page.getByRole('button', { name: 'Re-register' }).isVisible())) return;
  await page.getByRole('button', { name: 'Re-register' }).click();
  await page.getByRole('alertdialog', { name: 'Re-register' }).getByRole('button', { name: 'Re-register' }).click();
  // The module goes on to Register Now by itself once deregistered.
  const register = page.getByRole('dialog', { name: 'Register Now' });
  await expect(register).toBeVisible();
  await cancel(register);
  await expect(page.locator('.frr-status[data-status="unregistered"]')).toBeVisible();
}

/** In the open Register Now dialog: Private Cloud with `serverUrl`, Submit. */
export async function submitInDialog(dialog: Locator, serverUrl: string) {
  await dialog.getByLabel('Private Cloud').check();
  await dialog.getByLabel('Server Address').fill(serverUrl);
  await dialog.getByRole('button', { name: 'Submit' }).click();
}

/** Register Now > Private Cloud with `serverUrl` > Submit; the dialog, for what follows. */
export async function submitPrivateCloud(page: Page, serverUrl: string): Promise<Locator> {
  await page.getByRole('button', { name: 'Register Now' }).click();
  const dialog = page.getByRole('dialog', { name: 'Register Now' });
  await submitInDialog(dialog, serverUrl);
  return dialog;
}

/** Register Now > Local Container, at the upload step even when a lic is already stored. */
export async function openLocalContainer(page: Page): Promise<Locator> {
  await page.getByRole('button', { name: 'Register Now' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Register Now' });
  await dialog.getByRole('radio', { name: 'Local Container' }).check();
  const another = dialog.getByRole('button', { name: 'Upload another lic' });
  // A stored lic opens the QR step; either that or the picker is on screen once the panel rendered.
  await expect(dialog.getByTestId('lic-drop-zone').or(another)).toBeVisible();
  if (await another.isVisible()) await another.click();
  await expect(dialog.getByTestId('lic-drop-zone')).toBeVisible();
  return dialog;
}

/** Closes Register Now with its Cancel button. */
export async function cancel(dialog: Locator) {
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
}

/** The payload of a Container.lic file (its license id, expiry and public activation key). */
export async function licPayload(file: string): Promise<{ licenseId: string; activationKey: string; expiresAt: string }> {
  const { payload } = decodeDocumentUnverified((await readFile(file, 'utf8')).trim());
  return payload as { licenseId: string; activationKey: string; expiresAt: string };
}
