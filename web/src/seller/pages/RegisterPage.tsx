import { LockOutlined, MailOutlined, MobileOutlined, UserOutlined } from '@ant-design/icons';
import { App, Button, Form, Input, Segmented } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { FormAlert, showFormErrors } from '../../shared/antd/components';
import { useCommonT } from '../../shared/antd/i18n';
import { useRegister } from '../../shared/auth';
import { useT } from '../i18n';
import { SellerAuthLayout } from './LoginPage';

interface Values {
  email?: string;
  mobile?: string;
  displayName: string;
  password: string;
}

export function RegisterPage() {
  const t = useT();
  const c = useCommonT();
  const [form] = Form.useForm<Values>();
  const register = useRegister();
  const [by, setBy] = useState<'email' | 'mobile'>('email');
  const [error, setError] = useState<string | null>(null);
  const { message } = App.useApp();
  const requiredRule = (field: string) => [{ required: true, message: c('required', { field }) }];
  return (
    <SellerAuthLayout>
      <h1>{t('register.title')}</h1>
      <div className="qd-auth-sub">{t('register.sub')}</div>
      <Segmented
        block
        value={by}
        onChange={(value) => setBy(value as 'email' | 'mobile')}
        options={[
          { value: 'email', label: t('register.byEmail') },
          { value: 'mobile', label: t('register.byMobile') },
        ]}
        style={{ marginBottom: 20 }}
      />
      <FormAlert message={error} />
      <Form
        form={form}
        layout="vertical"
        size="large"
        requiredMark={false}
        onFinish={(values) => {
          setError(null);
          const identifier = by === 'email' ? { email: values.email?.trim() } : { mobile: values.mobile?.trim() };
          register.mutate(
            { kind: 'merchant', ...identifier, displayName: values.displayName.trim(), password: values.password },
            {
              onSuccess: () => void message.success(t('register.welcome')),
              onError: (e) => setError(showFormErrors(form, e)),
            },
          );
        }}
      >
        {by === 'email' ? (
          <Form.Item name="email" label={t('register.email')} rules={requiredRule(t('register.email'))}>
            <Input
              data-testid="register-email"
              prefix={<MailOutlined />}
              placeholder="name@example.com"
              autoComplete="email"
            />
          </Form.Item>
        ) : (
          <Form.Item name="mobile" label={t('register.mobile')} rules={requiredRule(t('register.mobile'))}>
            <Input
              data-testid="register-mobile"
              prefix={<MobileOutlined />}
              placeholder="13800000000"
              autoComplete="tel"
              inputMode="tel"
            />
          </Form.Item>
        )}
        <Form.Item name="displayName" label={t('register.displayName')} rules={requiredRule(t('register.displayName'))}>
          <Input
            data-testid="register-name"
            prefix={<UserOutlined />}
            placeholder={t('register.displayNamePlaceholder')}
            autoComplete="name"
          />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('register.password')}
          extra={t('register.passwordHint')}
          rules={requiredRule(t('register.password'))}
        >
          <Input.Password data-testid="register-password" prefix={<LockOutlined />} autoComplete="new-password" />
        </Form.Item>
        <Button data-testid="register-submit" type="primary" htmlType="submit" block loading={register.isPending}>
          {t('register.submit')}
        </Button>
      </Form>
      <div style={{ marginTop: 20 }}>
        {t('register.haveAccount')} <Link to="/login">{t('register.toLogin')}</Link>
      </div>
    </SellerAuthLayout>
  );
}
