import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Button, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { AuthLayout } from '../../shared/antd/AuthLayout';
import { FormAlert, showFormErrors } from '../../shared/antd/components';
import { useCommonT } from '../../shared/antd/i18n';
import { useLogin } from '../../shared/auth';
import { useT } from '../i18n';

export function SellerAuthLayout({ children }: { children: React.ReactNode }) {
  const t = useT();
  return (
    <AuthLayout
      product={t('product')}
      headline={t('hero.headline')}
      pitch={t('hero.pitch')}
      points={[t('hero.point1'), t('hero.point2'), t('hero.point3')]}
    >
      {children}
    </AuthLayout>
  );
}

export function LoginPage() {
  const t = useT();
  const c = useCommonT();
  const [form] = Form.useForm<{ identifier: string; password: string }>();
  const login = useLogin();
  const [error, setError] = useState<string | null>(null);
  return (
    <SellerAuthLayout>
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
            placeholder={t('login.identifierPlaceholder')}
            autoComplete="username"
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
      <div style={{ marginTop: 20 }}>
        {t('login.noAccount')} <Link to="/register">{t('login.toRegister')}</Link>
      </div>
      <Typography.Paragraph className="qd-demo">{t('login.demo')}</Typography.Paragraph>
    </SellerAuthLayout>
  );
}
