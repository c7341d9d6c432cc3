import { Button, Dialog, List, Toast } from 'antd-mobile';
import {
  BillOutline,
  EnvironmentOutline,
  GlobalOutline,
  HeartOutline,
  ReceiptOutline,
  RightOutline,
  TruckOutline,
  UndoOutline,
  UserOutline,
} from 'antd-mobile-icons';
import { Link, useNavigate } from 'react-router-dom';
import { formatDateTime, localeNames } from '../../i18n/locale';
import { useLocale } from '../../i18n/react';
import { accountIdentifier, accountLabel, useLogout, useMe } from '../../shared/auth';
import { LoadFailed, Loading } from '../components';
import { kindKey, useT } from '../i18n';
import { chooseLanguage, LanguageToggle } from '../LanguageToggle';
import { StoreIcon } from './ProductPage';

export function MePage() {
  const t = useT();
  const locale = useLocale();
  const me = useMe();
  const logout = useLogout();
  const navigate = useNavigate();
  if (me.isPending) return <Loading />;
  if (me.isError) return <LoadFailed error={me.error} onRetry={() => void me.refetch()} />;
  const account = me.data;
  const language = (
    <List.Item
      prefix={<GlobalOutline />}
      extra={<span data-testid="current-language">{localeNames[locale]}</span>}
      onClick={() => chooseLanguage(t('me.chooseLanguage'), t('cancel'))}
    >
      {t('me.language')}
    </List.Item>
  );

  if (!account) {
    return (
      <div data-testid="m-me">
        <div className="qd-m-profile" onClick={() => navigate('/login')} role="button">
          <div className="qd-m-avatar">
            <UserOutline />
          </div>
          <div style={{ flex: 1 }}>
            <div className="qd-m-name">{t('me.signInOrUp')}</div>
            <div className="qd-m-id">{t('me.guest')}</div>
          </div>
          <LanguageToggle />
        </div>
        <MyOrders />
        <div className="qd-m-section">
          <List header={t('me.settings')}>{language}</List>
        </div>
      </div>
    );
  }

  const name = accountLabel(account);
  return (
    <div data-testid="m-me">
      <div className="qd-m-profile">
        <div className="qd-m-avatar">{name.slice(0, 1).toUpperCase()}</div>
        <div style={{ flex: 1, minWidth: 0 }}>
          <div className="qd-m-name" data-testid="m-nickname">
            {name}
          </div>
          <div className="qd-m-id">{accountIdentifier(account)}</div>
        </div>
        <LanguageToggle />
      </div>
      <MyOrders />
      <div className="qd-m-section">
        <List>
          <List.Item prefix={<EnvironmentOutline />} onClick={() => navigate('/addresses')} data-testid="me-addresses">
            {t('me.addresses')}
          </List.Item>
          <List.Item prefix={<HeartOutline />} onClick={() => navigate('/favourites')} data-testid="me-favourites">
            {t('me.favourites')}
          </List.Item>
          <List.Item prefix={<StoreIcon />} onClick={() => navigate('/follows')}>
            {t('me.follows')}
          </List.Item>
        </List>
      </div>
      <div className="qd-m-section">
        <List header={t('me.account')} data-testid="m-account">
          <List.Item extra={account.displayName}>{t('me.nickname')}</List.Item>
          <List.Item extra={account.email ?? t('me.none')}>{t('me.email')}</List.Item>
          <List.Item extra={account.mobile ?? t('me.none')}>{t('me.mobile')}</List.Item>
          <List.Item extra={t(kindKey(account.kind))}>{t('me.kind')}</List.Item>
          <List.Item extra={formatDateTime(account.createdAt, locale)}>{t('me.joined')}</List.Item>
        </List>
      </div>
      <div className="qd-m-section">
        <List header={t('me.settings')}>{language}</List>
      </div>
      <div style={{ padding: '8px 12px 24px' }}>
        <Button
          block
          size="large"
          data-testid="m-signout"
          loading={logout.isPending}
          onClick={async () => {
            const ok = await Dialog.confirm({
              content: t('me.signOutConfirm'),
              confirmText: t('me.signOut'),
              cancelText: t('cancel'),
            });
            if (!ok) return;
            // This page re-renders as a guest when the session ends; mutateAsync still reports back.
            await logout.mutateAsync().catch(() => undefined);
            Toast.show({ content: t('me.signedOut') });
          }}
        >
          {t('me.signOut')}
        </Button>
      </div>
    </div>
  );
}

/** Orders by status, one tap away, as every shop app has them under Me. */
function MyOrders() {
  const t = useT();
  const entries = [
    { to: '/orders?status=pending_payment', icon: <BillOutline />, label: t('orders.tab.pending_payment') },
    { to: '/orders?status=paid', icon: <ReceiptOutline />, label: t('orders.tab.paid') },
    { to: '/orders?status=shipped', icon: <TruckOutline />, label: t('orders.tab.shipped') },
    { to: '/aftersales', icon: <UndoOutline />, label: t('me.aftersales') },
  ];
  return (
    <div className="qd-m-section qd-me-orders" data-testid="me-orders">
      <Link to="/orders" className="qd-me-orders-head">
        <b>{t('orders.title')}</b>
        <span className="qd-m-muted">
          {t('orders.viewAll')} <RightOutline />
        </span>
      </Link>
      <div className="qd-me-orders-grid">
        {entries.map((e) => (
          <Link key={e.to} to={e.to} className="qd-me-orders-item">
            <span className="qd-me-orders-icon">{e.icon}</span>
            <span>{e.label}</span>
          </Link>
        ))}
      </div>
    </div>
  );
}
