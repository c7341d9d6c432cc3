import { Button, Form, Input, Tabs, Toast } from 'antd-mobile';
import { useState } from 'react';
import { Link, useLocation } from 'react-router-dom';
import { errorMessage, formFieldErrors } from '../../api/errors';
import { useRegister } from '../../shared/auth';
import { useT } from '../i18n';
import { AuthFrame, ErrorNotice } from './LoginPage';

interface Values {
  mobile?: string;
  email?: string;
  password: string;
  displayName: string;
}

export function RegisterPage() {
  const t = useT();
  const location = useLocation();
  const [form] = Form.useForm<Values>();
  const register = useRegister();
  const [by, setBy] = useState<'mobile' | 'email'>('mobile');
  const [error, setError] = useState<string | null>(null);
  const required = (field: string) => [{ required: true, message: t('required', { field }) }];
  return (
    <AuthFrame title={t('register.title')} heading={t('register.welcome')} sub={t('register.sub')}>
      <Tabs
        activeKey={by}
        onChange={(key) => {
          setBy(key as 'mobile' | 'email');
          setError(null);
        }}
        style={{ '--title-font-size': '15px', margin: '0 4px' }}
      >
        <Tabs.Tab title={t('register.byMobile')} key="mobile" />
        <Tabs.Tab title={t('register.byEmail')} key="email" />
      </Tabs>
      <ErrorNotice message={error} />
      <Form
        form={form}
        layout="vertical"
        mode="card"
        requiredMarkStyle="none"
        onFinish={(values) => {
          setError(null);
          const identifier = by === 'mobile' ? { mobile: values.mobile?.trim() } : { email: values.email?.trim() };
          register.mutate(
            { kind: 'shopper', ...identifier, password: values.password, displayName: values.displayName.trim() },
            {
              onSuccess: () => Toast.show({ icon: 'success', content: t('register.done') }),
              onError: (e) => {
                form.setFields(formFieldErrors(e));
                setError(errorMessage(e));
              },
            },
          );
        }}
        footer={
          <Button
            data-testid="register-submit"
            block
            type="submit"
            color="primary"
            size="large"
            shape="rounded"
            loading={register.isPending}
          >
            {t('register.submit')}
          </Button>
        }
      >
        {by === 'mobile' ? (
          <Form.Item name="mobile" label={t('register.mobile')} rules={required(t('register.mobile'))}>
            <Input
              data-testid="register-mobile"
              type="tel"
              placeholder={t('register.mobilePlaceholder')}
              autoComplete="tel"
              clearable
            />
          </Form.Item>
        ) : (
          <Form.Item name="email" label={t('register.email')} rules={required(t('register.email'))}>
            <Input
              data-testid="register-email"
              type="email"
              placeholder={t('register.emailPlaceholder')}
              autoComplete="email"
              clearable
            />
          </Form.Item>
        )}
        <Form.Item name="password" label={t('register.password')} rules={required(t('register.password'))}>
          <Input
            data-testid="register-password"
            type="password"
            placeholder={t('register.passwordPlaceholder')}
            autoComplete="new-password"
          />
        </Form.Item>
        <Form.Item name="displayName" label={t('register.nickname')} rules={required(t('register.nickname'))}>
          <Input
            data-testid="register-name"
            placeholder={t('register.nicknamePlaceholder')}
            autoComplete="nickname"
            clearable
          />
        </Form.Item>
      </Form>
      <div className="qd-m-auth-foot">
        <Link to={`/login${location.search}`} replace style={{ color: 'var(--adm-color-primary)' }}>
          {t('register.toLogin')}
        </Link>
      </div>
    </AuthFrame>
  );
}
