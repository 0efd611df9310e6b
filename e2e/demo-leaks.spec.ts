// expectNoLeaks on the demo app in plain Chromium (no extension): quiet while the app cleans up,
// failing with the growing types named once the demo's real leak (a listener never removed) is on.
import type { Page } from '@playwright/test';
import { expect, test } from './demo-fixtures.js';
import { expectNoLeaks } from '../agent/playwright/index.js';

interface Demo {
  visitTodos(): void;
  setLeak(on: boolean): void;
}

/** One round through the to-do route, as the demo's own code does it. */
const visitTodos = (page: Page) => page.evaluate(() => (window as unknown as { demo: Demo }).demo.visitTodos());

test('no leak: visiting the to-do route again and again keeps no view alive', async ({ page, demoUrl }) => {
  await page.goto(demoUrl);
  await expectNoLeaks(page, async () => {
    await page.getByRole('button', { name: 'To-dos' }).click();
    await page.getByRole('button', { name: 'Add 100' }).click();
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByRole('button', { name: 'About' }).click();
  });
});

test('the leak switched on from the page fails the check, naming TodoView and what stayed alive', async ({ page, demoUrl }) => {
  await page.goto(demoUrl);
  await page.evaluate(() => (window as unknown as { demo: Demo }).demo.setLeak(true));
  const failure = await expectNoLeaks(page, () => visitTodos(page)).then(
    () => null,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(Error);
  const message = (failure as Error).message;
  // The start view closed cleanly before the leak was on; the warm-up run leaks the first one.
  expect(message).toContain('2 types leaked');
  expect(message).toContain('TodoView: live 1 → 2 → 3 → 4 → 5 → 6 (+5)');
  expect(message).toContain('Subscription: live 1 → 2 → 3 → 4 → 5 → 6 (+5)');
  expect(message).toMatch(/still alive: TodoView #\d+ \{"opened":"[^"]+","leak":true\}/);
  expect(message).not.toContain('TodoItem');
});

test('the ?leak variant fails with the number of runs asked for, and ignore silences a type', async ({ page, demoUrl }) => {
  await page.goto(`${demoUrl}?leak`);
  const failure = await expectNoLeaks(page, () => visitTodos(page), { iterations: 3, ignore: ['Subscription'] }).then(
    () => null,
    (error: unknown) => error,
  );
  expect((failure as Error | null)?.message).toContain('1 type leaked');
  // The first view was opened with the leak on: it stays too.
  expect((failure as Error).message).toContain('TodoView: live 2 → 3 → 4 → 5 (+3)');
  expect((failure as Error).message).not.toContain('Subscription:');
});
