import {
  activeShop,
  expect,
  PASSWORD,
  signInSeller,
  test,
  uniqueEmail,
  useLocale,
  pickOption,
  confirmPopconfirm,
} from '../support/fixtures';

test('an invited customer-service member joins the shop and is kept out of Staff', async ({
  browser,
  baseURL,
  shot,
}) => {
  const { shopId, name: shopName, ownerEmail } = await activeShop(baseURL!, 'staff');
  const csEmail = uniqueEmail('cs');

  const ownerContext = await browser.newContext({ baseURL });
  const owner = await ownerContext.newPage();
  await useLocale(owner, 'zh-CN');

  await test.step('the owner invites a customer-service member by email', async () => {
    await signInSeller(owner, ownerEmail);
    await expect(owner).toHaveURL(new RegExp(`/seller/shops/${shopId}/home$`));
    await owner.getByTestId('side-nav').getByText('员工与角色').click();
    await expect(owner).toHaveURL(new RegExp(`/seller/shops/${shopId}/staff$`));

    const form = owner.getByTestId('invite-form');
    await form.getByTestId('invite-identifier').fill(csEmail);
    await form.getByTestId('invite-role').click();
    await pickOption(owner, '客服');
    await form.getByTestId('invite-submit').click();
    await expect(owner.getByText(`已邀请 ${csEmail}`)).toBeVisible();

    const invitation = owner.getByTestId('invitations-table').locator('tr').filter({ hasText: csEmail });
    await expect(invitation).toContainText('客服');
    await expect(invitation).toContainText('待接受');
    await expect(owner.getByTestId('role-matrix')).toContainText('service.chat');
    await shot(owner, '07-seller-staff-invited-zh');
  });

  const csContext = await browser.newContext({ baseURL });
  const cs = await csContext.newPage();
  await useLocale(cs, 'zh-CN');

  await test.step('the invitee registers and sees the invitation prominently', async () => {
    await cs.goto('/seller/register');
    await cs.getByTestId('register-email').fill(csEmail);
    await cs.getByTestId('register-name').fill('小周客服');
    await cs.getByTestId('register-password').fill(PASSWORD);
    await cs.getByTestId('register-submit').click();
    await expect(cs).toHaveURL(/\/seller\/onboarding$/);
    const card = cs.getByTestId('invitations-card');
    await expect(card).toContainText(`${shopName} 邀请你以「客服」身份加入`);
    await expect(cs.getByTestId('invitation-bell')).toContainText('1');
    await shot(cs, '08-seller-invitation-received-zh');
  });

  await test.step('accepts it, opens the shop, and has no Staff in the navigation', async () => {
    await cs.getByTestId('invitations-card').getByRole('button', { name: '接受' }).click();
    await expect(cs).toHaveURL(new RegExp(`/seller/shops/${shopId}/home$`));
    await expect(cs.getByTestId('shop-name')).toHaveText(shopName);
    await expect(cs.getByTestId('shop-home')).toContainText('客服');
    const nav = cs.getByTestId('side-nav');
    await expect(nav.getByText('店铺首页')).toBeVisible();
    await expect(nav.getByText('员工与角色')).toHaveCount(0);
    await expect(nav.getByText('店铺设置')).toHaveCount(0);
    await shot(cs, '09-seller-home-customer-service-zh');
  });

  await test.step('opening the Staff page directly shows the 403 page', async () => {
    await cs.goto(`/seller/shops/${shopId}/staff`);
    await expect(cs.getByTestId('forbidden-title')).toHaveText('403 · 没有访问权限');
    await expect(cs.getByTestId('staff-page')).toHaveCount(0);
    await shot(cs, '10-seller-staff-forbidden-zh');
    await cs.getByTestId('language-switch').click();
    await cs.getByRole('menuitem', { name: 'English' }).click();
    await expect(cs.getByTestId('forbidden-title')).toHaveText('403 · Access denied');
    await shot(cs, '11-seller-staff-forbidden-en');
    // The API agrees with the page.
    const direct = await cs.request.get(`/api/shops/${shopId}/members`);
    expect(direct.status()).toBe(403);
  });

  await test.step('the owner sees the new member; removing them revokes access at once', async () => {
    await owner.reload();
    const member = owner.getByTestId('members-table').locator('tr').filter({ hasText: csEmail });
    await expect(member).toContainText('小周客服');
    await expect(owner.getByTestId('invitations-table').locator('tr').filter({ hasText: csEmail })).toContainText(
      '已接受',
    );
    // Change the role, then back.
    await member.getByRole('combobox').click();
    await pickOption(owner, '仓储');
    await expect(owner.getByText('已将 小周客服 的角色改为「仓储」')).toBeVisible();
    await cs.goto(`/seller/shops/${shopId}/home`);
    await expect(cs.getByTestId('shop-home')).toContainText('Warehouse');

    // A second invitation, revoked before anyone answers it.
    const other = uniqueEmail('revoked');
    await owner.getByTestId('invite-identifier').fill(other);
    await owner.getByTestId('invite-role').click();
    await pickOption(owner, '导购');
    await owner.getByTestId('invite-submit').click();
    const pending = owner.getByTestId('invitations-table').locator('tr').filter({ hasText: other });
    await expect(pending).toContainText('待接受');
    await pending.getByRole('button', { name: '撤销' }).click();
    await confirmPopconfirm(owner, '确定');
    await expect(pending).toContainText('已撤销');
    await shot(owner, '11b-seller-staff-managed-zh');

    await member.getByRole('button', { name: '移除' }).click();
    await confirmPopconfirm(owner, '确定');
    await expect(owner.getByText('已移除 小周客服')).toBeVisible();
    await expect(member).toHaveCount(0);

    await cs.goto(`/seller/shops/${shopId}/home`);
    await expect(cs.getByText('Shop not found')).toBeVisible();
  });

  await ownerContext.close();
  await csContext.close();
});
