import { AuditOutlined, LockOutlined, UserOutlined } from '@ant-design/icons';
import { Button, Form, Input, Result, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import { Navigate, Outlet, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { AuthLayout } from '../shared/antd/AuthLayout';
import {
  AccountMenu,
  FormAlert,
  LanguageSwitch,
  LoadError,
  NotFound,
  PageLoading,
  showFormErrors,
} from '../shared/antd/components';
import { ConsoleLayout } from '../shared/antd/ConsoleLayout';
import { useCommonT } from '../shared/antd/i18n';
import { useLogin, useLogout, useMe } from '../shared/auth';
import { ApplicationsPage } from './ApplicationsPage';
import { useT } from './i18n';

export function AdminApp() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route
        element={
          <RequireOperator>
            <AdminLayout />
          </RequireOperator>
        }
      >
        <Route index element={<Navigate to="/shop-applications" replace />} />
        <Route path="shop-applications" element={<ApplicationsPage />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

function RequireOperator({ children }: { children: ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <PageLoading />;
  if (me.isError) return <LoadError error={me.error} onRetry={() => void me.refetch()} />;
  if (!me.data) {
    const next = location.pathname + location.search;
    return <Navigate to={`/login${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`} replace />;
  }
  if (me.data.kind !== 'operator') return <NotOperator />;
  return <>{children}</>;
}

function NotOperator() {
  const t = useT();
  const c = useCommonT();
  const logout = useLogout();
  return (
    <div style={{ paddingTop: 80 }}>
      <Result
        status="403"
        title={t('notOperator.title')}
        subTitle={t('notOperator.body')}
        extra={
          <Button type="primary" loading={logout.isPending} onClick={() => logout.mutate()}>
            {c('signOut')}
          </Button>
        }
      />
    </div>
  );
}

function AdminLayout() {
  const t = useT();
  const me = useMe();
  const navigate = useNavigate();
  const location = useLocation();
  return (
    <ConsoleLayout
      product={t('product')}
      selectedKey={location.pathname.split('/')[1]}
      onMenuClick={(key) => navigate(`/${key}`)}
      menuItems={[
        {
          key: 'g-review',
          type: 'group',
          label: t('nav.review'),
          children: [{ key: 'shop-applications', icon: <AuditOutlined />, label: t('nav.applications') }],
        },
      ]}
      headerRight={
        <>
          <LanguageSwitch />
          {me.data ? <AccountMenu account={me.data} /> : null}
        </>
      }
    >
      <Outlet />
    </ConsoleLayout>
  );
}

function LoginPage() {
  const t = useT();
  const c = useCommonT();
  const me = useMe();
  const location = useLocation();
  const [form] = Form.useForm<{ identifier: string; password: string }>();
  const login = useLogin();
  const [error, setError] = useState<string | null>(null);
  if (me.isPending) return <PageLoading />;
  if (me.data?.kind === 'operator') {
    const next = new URLSearchParams(location.search).get('next');
    return <Navigate to={next && next.startsWith('/') && !next.startsWith('//') ? next : '/'} replace />;
  }
  if (me.data) return <NotOperator />;
  return (
    <AuthLayout
      variant="admin"
      product={t('product')}
      headline={t('hero.headline')}
      pitch={t('hero.pitch')}
      points={[t('hero.point1'), t('hero.point2'), t('hero.point3')]}
    >
      <h1>{t('login.title')}</h1>
      <div className="qd-auth-sub">{t('login.sub')}</div>
      <FormAlert message={error} />
      <Form
        form={form}
        layout="vertical"
        size="large"
        requiredMark={false}
        onFinish={(values) => {
          setError(null);
          login.mutate(values, { onError: (e) => setError(showFormErrors(form, e)) });
        }}
      >
        <Form.Item
          name="identifier"
          label={t('login.identifier')}
          rules={[{ required: true, message: c('required', { field: t('login.identifier') }) }]}
        >
          <Input
            data-testid="login-identifier"
            prefix={<UserOutlined />}
            autoComplete="username"
            placeholder="admin@qiandian.dev"
          />
        </Form.Item>
        <Form.Item
          name="password"
          label={c('password')}
          rules={[{ required: true, message: c('required', { field: c('password') }) }]}
        >
          <Input.Password data-testid="login-password" prefix={<LockOutlined />} autoComplete="current-password" />
        </Form.Item>
        <Button data-testid="login-submit" type="primary" htmlType="submit" block loading={login.isPending}>
          {t('login.submit')}
        </Button>
      </Form>
      <Typography.Paragraph className="qd-demo">{t('login.demo')}</Typography.Paragraph>
    </AuthLayout>
  );
}
