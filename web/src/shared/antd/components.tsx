import { DownOutlined, GlobalOutlined, KeyOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, App, Avatar, Button, Dropdown, Form, Input, Modal, Result, Spin, type FormInstance } from 'antd';
import { type ReactNode, useState } from 'react';
import { errorMessage, formFieldErrors } from '../../api/errors';
import type { Account } from '../../api/types';
import { type Locale, localeNames, locales, setLocale } from '../../i18n/locale';
import { useLocale } from '../../i18n/react';
import { accountLabel, useChangePassword, useLogout } from '../auth';
import { useCommonT } from './i18n';

/** Puts the API's field errors on the form's fields and returns the problem's detail for an alert. */
export function showFormErrors(form: FormInstance, error: unknown, aliases?: Record<string, string>): string {
  const fields = formFieldErrors(error, aliases);
  // Errors for names the form does not render are ignored by antd; the detail still shows.
  if (fields.length) form.setFields(fields);
  return errorMessage(error);
}

export function FormAlert({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return <Alert type="error" showIcon title={message} style={{ marginBottom: 16 }} role="alert" />;
}

/**
 * A modal around an antd form: OK submits, Cancel closes, and it opens clean each time (fields
 * reset and `onAfterClose` — usually clearing the API's message — once it has closed).
 */
export function FormModal({
  form,
  open,
  title,
  okText,
  pending,
  onClose,
  onOk,
  onAfterClose,
  children,
}: {
  form: FormInstance;
  open: boolean;
  title: ReactNode;
  okText: ReactNode;
  pending: boolean;
  onClose: () => void;
  onOk: () => void;
  onAfterClose?: () => void;
  children: ReactNode;
}) {
  const c = useCommonT();
  return (
    <Modal
      title={title}
      open={open}
      onCancel={onClose}
      onOk={onOk}
      okText={okText}
      cancelText={c('cancel')}
      confirmLoading={pending}
      destroyOnHidden
      forceRender
      afterClose={() => {
        form.resetFields();
        onAfterClose?.();
      }}
    >
      {children}
    </Modal>
  );
}

export function LanguageSwitch({ dark = false }: { dark?: boolean }) {
  const locale = useLocale();
  const t = useCommonT();
  return (
    <Dropdown
      menu={{
        selectable: true,
        selectedKeys: [locale],
        items: locales.map((l) => ({ key: l, label: localeNames[l] })),
        onClick: ({ key }) => setLocale(key as Locale),
      }}
      trigger={['click']}
    >
      <span
        className="qd-header-action"
        role="button"
        aria-label={t('language')}
        data-testid="language-switch"
        style={dark ? { color: '#fff' } : undefined}
      >
        <GlobalOutlined />
        <span>{localeNames[locale]}</span>
      </span>
    </Dropdown>
  );
}

export function AccountMenu({ account, extra }: { account: Account; extra?: ReactNode }) {
  const t = useCommonT();
  const logout = useLogout();
  const { message } = App.useApp();
  const [changing, setChanging] = useState(false);
  return (
    <>
      <Dropdown
        trigger={['click']}
        menu={{
          items: [
            {
              key: 'who',
              type: 'group',
              label: (
                <div style={{ padding: '2px 0' }}>
                  <div style={{ color: 'rgba(0,0,0,.88)', fontWeight: 500 }}>{accountLabel(account)}</div>
                  <div>{account.email ?? account.mobile}</div>
                </div>
              ),
            },
            { type: 'divider' },
            { key: 'password', icon: <KeyOutlined />, label: t('changePassword') },
            { key: 'logout', icon: <LogoutOutlined />, label: t('signOut'), danger: true },
          ],
          onClick: ({ key }) => {
            if (key === 'password') setChanging(true);
            // The layout unmounts as the session ends; mutateAsync still reports back (mutate's callbacks would not).
            if (key === 'logout')
              void logout
                .mutateAsync()
                .catch(() => undefined)
                .then(() => message.success(t('signedOut')));
          },
        }}
      >
        <span className="qd-header-action" data-testid="account-menu">
          <Avatar size="small" style={{ background: '#ff6a00' }} icon={<UserOutlined />} />
          <span>{accountLabel(account)}</span>
          {extra}
          <DownOutlined style={{ fontSize: 10, opacity: 0.6 }} />
        </span>
      </Dropdown>
      <ChangePasswordModal open={changing} onClose={() => setChanging(false)} />
    </>
  );
}

export function ChangePasswordModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useCommonT();
  const [form] = Form.useForm<{ currentPassword: string; newPassword: string; confirm: string }>();
  const change = useChangePassword();
  const [error, setError] = useState<string | null>(null);
  const { message } = App.useApp();
  const submit = async () => {
    const values = await form.validateFields().catch(() => null);
    if (!values) return; // the form shows what is missing
    setError(null);
    change.mutate(
      { currentPassword: values.currentPassword, newPassword: values.newPassword },
      {
        onSuccess: () => {
          void message.success(t('passwordChanged'));
          form.resetFields();
          onClose();
        },
        onError: (e) => setError(showFormErrors(form, e)),
      },
    );
  };
  return (
    <Modal
      title={t('changePassword')}
      open={open}
      onCancel={onClose}
      onOk={submit}
      okText={t('save')}
      cancelText={t('cancel')}
      confirmLoading={change.isPending}
      destroyOnHidden
    >
      <FormAlert message={error} />
      <Form form={form} layout="vertical" requiredMark={false} preserve={false}>
        <Form.Item
          name="currentPassword"
          label={t('currentPassword')}
          rules={[{ required: true, message: t('required', { field: t('currentPassword') }) }]}
        >
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item
          name="newPassword"
          label={t('newPassword')}
          rules={[{ required: true, message: t('required', { field: t('newPassword') }) }]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={t('confirmPassword')}
          dependencies={['newPassword']}
          rules={[
            { required: true, message: t('required', { field: t('confirmPassword') }) },
            ({ getFieldValue }) => ({
              validator: (_, value) =>
                !value || getFieldValue('newPassword') === value
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('passwordMismatch'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function PageHeader({ title, subtitle, extra }: { title: ReactNode; subtitle?: ReactNode; extra?: ReactNode }) {
  return (
    <div className="qd-page-header" style={{ display: 'flex', alignItems: 'flex-end', gap: 16 }}>
      <div style={{ flex: 1, minWidth: 0 }}>
        <h1>{title}</h1>
        {subtitle ? <div className="qd-page-sub">{subtitle}</div> : null}
      </div>
      {extra}
    </div>
  );
}

export function PageLoading() {
  const t = useCommonT();
  return (
    <div style={{ padding: 80, textAlign: 'center' }}>
      <Spin size="large" />
      <div style={{ marginTop: 12, color: 'rgba(0,0,0,.45)' }}>{t('loading')}</div>
    </div>
  );
}

export function Forbidden({ action }: { action?: ReactNode }) {
  const t = useCommonT();
  return (
    <Result
      status="403"
      title={<span data-testid="forbidden-title">{t('forbiddenTitle')}</span>}
      subTitle={t('forbiddenBody')}
      extra={action}
    />
  );
}

export function NotFound({ action }: { action?: ReactNode }) {
  const t = useCommonT();
  return <Result status="404" title={t('notFoundTitle')} subTitle={t('notFoundBody')} extra={action} />;
}

export function LoadError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const t = useCommonT();
  return (
    <Result
      status="warning"
      title={t('loadFailed')}
      subTitle={errorMessage(error)}
      extra={onRetry ? <Button onClick={onRetry}>{t('retry')}</Button> : undefined}
    />
  );
}
