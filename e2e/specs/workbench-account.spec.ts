import {
  activeShop,
  expect,
  PASSWORD,
  signInSeller,
  test,
  uniqueSuffix,
  useLocale,
  openDialog,
} from '../support/fixtures';

test('the owner edits the shop settings and changes the password from the account menu', async ({
  browser,
  baseURL,
  shot,
}) => {
  const { shopId, ownerEmail } = await activeShop(baseURL!, 'settings');
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await useLocale(page, 'zh-CN');
  await signInSeller(page, ownerEmail);

  const newName = `改过名的小店 ${uniqueSuffix()}`;
  await test.step('settings: rename the shop and change the contact', async () => {
    await page.getByTestId('side-nav').getByText('店铺设置').click();
    await expect(page).toHaveURL(new RegExp(`/seller/shops/${shopId}/settings$`));
    const settings = page.getByTestId('settings-page');
    // A name another shop uses: the API's message lands on the name field.
    await settings.getByLabel('店铺名称').fill('山野茶舍');
    await settings.getByRole('button', { name: '保存' }).click();
    const nameItem = settings.locator('.ant-form-item').filter({ has: page.getByLabel('店铺名称') });
    await expect(nameItem.locator('.ant-form-item-explain-error')).toHaveText('店铺名称已被使用');
    await settings.getByLabel('店铺名称').fill(newName);
    await settings.getByLabel('联系人姓名').fill('新联系人');
    // The CSRF cookie is gone (expired, cleared): the first try is refused, the app fetches a new
    // token and retries once, and the person sees a normal save.
    await context.clearCookies({ name: 'qd_csrf' });
    const statuses: number[] = [];
    page.on('response', (r) => {
      if (r.request().method() === 'PATCH' && r.url().endsWith(`/api/shops/${shopId}`)) statuses.push(r.status());
    });
    await settings.getByRole('button', { name: '保存' }).click();
    await expect(page.getByText('店铺信息已保存')).toBeVisible();
    expect(statuses).toEqual([403, 200]);
    await shot(page, '21-seller-settings-zh');
    await page.getByTestId('side-nav').getByText('店铺首页').click();
    await expect(page.getByTestId('shop-name')).toHaveText(newName);
    await expect(page.getByTestId('shop-home')).toContainText('新联系人');
    await expect(page.getByTestId('shop-switcher')).toContainText(newName);
    await expect(page.getByTestId('activity')).toContainText('修改了店铺信息');
  });

  await test.step('change password, sign out, sign in with the new one', async () => {
    await page.getByTestId('account-menu').click();
    await page.getByRole('menuitem', { name: '修改密码' }).click();
    const dialog = await openDialog(page);
    await dialog.getByLabel('当前密码').fill('wrong-password');
    await dialog.getByLabel('新密码', { exact: true }).fill('Qiandian#2027');
    await dialog.getByLabel('确认新密码').fill('Qiandian#2027');
    await dialog.getByRole('button', { name: '保存' }).click();
    await expect(dialog.locator('.ant-form-item-explain-error')).toHaveText('当前密码不正确');
    await dialog.getByLabel('当前密码').fill(PASSWORD);
    await dialog.getByRole('button', { name: '保存' }).click();
    await expect(page.getByText('密码已修改，其他设备上的登录已失效')).toBeVisible();

    await page.getByTestId('account-menu').click();
    await page.getByRole('menuitem', { name: '退出登录' }).click();
    await expect(page).toHaveURL(/\/seller\/login/);
    await signInSeller(page, ownerEmail, 'Qiandian#2027');
    await expect(page).toHaveURL(new RegExp(`/seller/shops/${shopId}/home$`));
  });
  await context.close();
});

test('a member of two shops switches between them and sees each role’s navigation', async ({ page, shot }) => {
  await useLocale(page, 'en-US');
  // Seeded: tea.ops works in operations for both 山野茶舍 and 织物集 and manages neither's staff.
  await signInSeller(page, 'tea.ops@qiandian.dev');
  await expect(page).toHaveURL(/\/seller\/shops\/[^/]+\/home$/);
  const first = page.url();
  await page.getByTestId('shop-switcher').click();
  const options = page.locator('.ant-select-item-option');
  await expect(options).toHaveCount(2);
  await page.locator('.ant-select-item-option:not(.ant-select-item-option-selected)').click();
  await expect(page).not.toHaveURL(first);
  await expect(page).toHaveURL(/\/seller\/shops\/[^/]+\/home$/);
  await expect(page.getByTestId('shop-home')).toContainText('Operations');
  const nav = page.getByTestId('side-nav');
  await expect(nav.getByText('Home')).toBeVisible();
  await expect(nav.getByText('Staff & roles')).toHaveCount(0);
  await shot(page, '22-seller-switched-shop-en');
  // The last shop is remembered.
  await page.goto('/seller/');
  await expect(page).not.toHaveURL(first);
});
