import { Button, Form, Input, NavBar, NoticeBar } from 'antd-mobile';
import { useState } from 'react';
import { Link, useLocation } from 'react-router-dom';
import { useBack } from '../components';
import { errorMessage, formFieldErrors } from '../../api/errors';
import { useLogin } from '../../shared/auth';
import { LogoMark } from '../../shared/Logo';
import { useT } from '../i18n';
import { LanguageToggle } from '../LanguageToggle';

export function AuthFrame({
  title,
  heading,
  sub,
  children,
}: {
  title: string;
  heading: string;
  sub: string;
  children: React.ReactNode;
}) {
  const goBack = useBack('/');
  return (
    <div className="qd-m-auth">
      <NavBar onBack={goBack} right={<LanguageToggle dark />}>
        {title}
      </NavBar>
      <div className="qd-m-auth-head">
        <LogoMark size={44} />
        <h1>{heading}</h1>
        <div className="qd-m-muted">{sub}</div>
      </div>
      {children}
    </div>
  );
}

export function ErrorNotice({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <div className="qd-m-error" role="alert">
      <NoticeBar
        content={message}
        color="error"
        wrap
        style={{
          '--background-color': '#fff1f0',
          '--border-color': '#ffccc7',
          '--text-color': '#cf1322',
          borderRadius: 8,
        }}
      />
    </div>
  );
}

export function LoginPage() {
  const t = useT();
  const location = useLocation();
  const [form] = Form.useForm<{ identifier: string; password: string }>();
  const login = useLogin();
  const [error, setError] = useState<string | null>(null);
  return (
    <AuthFrame title={t('login.title')} heading={t('login.welcome')} sub={t('login.sub')}>
      <ErrorNotice message={error} />
      <Form
        form={form}
        layout="vertical"
        mode="card"
        requiredMarkStyle="none"
        onFinish={(values) => {
          setError(null);
          login.mutate(values, {
            onError: (e) => {
              form.setFields(formFieldErrors(e));
              setError(errorMessage(e));
            },
          });
        }}
        footer={
          <Button
            data-testid="login-submit"
            block
            type="submit"
            color="primary"
            size="large"
            shape="rounded"
            loading={login.isPending}
          >
            {t('login.submit')}
          </Button>
        }
      >
        <Form.Item
          name="identifier"
          label={t('login.identifier')}
          rules={[{ required: true, message: t('required', { field: t('login.identifier') }) }]}
        >
          <Input
            data-testid="login-identifier"
            placeholder={t('login.identifierPlaceholder')}
            autoComplete="username"
            clearable
          />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('login.password')}
          rules={[{ required: true, message: t('required', { field: t('login.password') }) }]}
        >
          <Input
            data-testid="login-password"
            type="password"
            placeholder={t('login.passwordPlaceholder')}
            autoComplete="current-password"
          />
        </Form.Item>
      </Form>
      <div className="qd-m-auth-foot">
        <Link to={`/register${location.search}`} replace style={{ color: 'var(--adm-color-primary)' }}>
          {t('login.toRegister')}
        </Link>
      </div>
    </AuthFrame>
  );
}
