import { CheckCircleFilled, ClockCircleFilled, CloseCircleFilled, PlusOutlined, ShopOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Empty, Form, Input, Row, Select, Space, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import type { MyShop, ShopApplicationBody } from '../../api/types';
import { formatDateTime } from '../../i18n/locale';
import { useLocale } from '../../i18n/react';
import { FormAlert, PageHeader, showFormErrors } from '../../shared/antd/components';
import { useCommonT } from '../../shared/antd/i18n';
import { useMe } from '../../shared/auth';
import { kindLabel, useT } from '../i18n';
import { InvitationList } from '../Invitations';
import { useApplyForShop, useCategories, useMyInvitations, useMyShops } from '../queries';
import { ShopAvatar, StatusTag } from '../SellerLayout';

export function OnboardingPage() {
  const t = useT();
  const me = useMe();
  const shops = useMyShops();
  const invitations = useMyInvitations();
  const [applying, setApplying] = useState(false);
  const owned = (shops.data ?? []).filter((s) => s.role === 'owner');
  const hasShops = (shops.data ?? []).length > 0;
  const isMerchant = me.data?.kind === 'merchant';
  const showForm = isMerchant && !shops.isPending && (owned.length === 0 || applying);

  return (
    <>
      <PageHeader title={t('onboarding.title')} subtitle={t('onboarding.sub')} />
      {!shops.isPending && !hasShops ? (
        <Alert
          type="info"
          showIcon
          icon={<ShopOutlined />}
          title={t('onboarding.noShopTitle')}
          description={t('onboarding.noShopBody')}
          style={{ marginBottom: 16 }}
        />
      ) : null}
      {me.data && !isMerchant ? (
        <Alert
          type="warning"
          showIcon
          title={t('onboarding.notMerchant', { kind: kindLabel(t, me.data.kind) })}
          style={{ marginBottom: 16 }}
        />
      ) : null}
      {invitations.data?.length ? (
        <Card
          title={t('invitations.title')}
          style={{ marginBottom: 16, borderColor: '#ffd8bf' }}
          styles={{ header: { background: '#fff7f0' } }}
          data-testid="invitations-card"
        >
          <InvitationList />
        </Card>
      ) : null}
      {owned.length ? (
        <Card
          title={t('onboarding.applications')}
          style={{ marginBottom: 16 }}
          extra={
            isMerchant && !applying ? (
              <Button icon={<PlusOutlined />} onClick={() => setApplying(true)}>
                {t('onboarding.applyAnother')}
              </Button>
            ) : null
          }
        >
          <Space orientation="vertical" style={{ width: '100%' }} size={12}>
            {owned.map((s) => (
              <ApplicationRow key={s.shop.id} item={s} />
            ))}
          </Space>
        </Card>
      ) : null}
      {showForm ? <ApplicationForm onDone={() => setApplying(false)} /> : null}
    </>
  );
}

function ApplicationRow({ item }: { item: MyShop }) {
  const t = useT();
  const locale = useLocale();
  const navigate = useNavigate();
  const { shop } = item;
  const icon =
    shop.status === 'active' ? (
      <CheckCircleFilled style={{ color: '#52c41a' }} />
    ) : shop.status === 'pending' ? (
      <ClockCircleFilled style={{ color: '#faad14' }} />
    ) : (
      <CloseCircleFilled style={{ color: '#ff4d4f' }} />
    );
  return (
    <div
      data-testid="application"
      style={{
        display: 'flex',
        alignItems: 'center',
        gap: 16,
        padding: 16,
        border: '1px solid #f0f0f0',
        borderRadius: 8,
      }}
    >
      <ShopAvatar name={shop.name} logoUrl={shop.logoUrl} size={56} />
      <div style={{ flex: 1, minWidth: 0 }}>
        <Space size={8} wrap>
          <Typography.Text strong style={{ fontSize: 16 }}>
            {shop.name}
          </Typography.Text>
          <StatusTag status={shop.status} />
        </Space>
        <div style={{ color: 'rgba(0,0,0,.55)', marginTop: 4 }}>
          {icon}{' '}
          {shop.status === 'pending'
            ? t('onboarding.pendingNote')
            : shop.status === 'rejected'
              ? t('onboarding.rejectedNote', { reason: shop.rejectReason ?? '—' })
              : t('home.activeTitle')}
        </div>
        <div style={{ color: 'rgba(0,0,0,.4)', fontSize: 12, marginTop: 4 }}>
          {t('onboarding.appliedAt', { date: formatDateTime(shop.createdAt, locale) })}
        </div>
      </div>
      <Button
        type={shop.status === 'active' ? 'primary' : 'default'}
        onClick={() => navigate(`/shops/${shop.id}/home`)}
      >
        {shop.status === 'active' ? t('onboarding.enter') : t('onboarding.view')}
      </Button>
    </div>
  );
}

interface ApplicationValues {
  name: string;
  mainCategory: ShopApplicationBody['mainCategory'];
  contactName: string;
  contactPhone: string;
  licenceNo: string;
  logo?: string;
}

const maxLogoBytes = 512 * 1024;
const logoTypes = ['image/png', 'image/jpeg', 'image/webp'];

function readAsDataUrl(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsDataURL(file);
  });
}

function ApplicationForm({ onDone }: { onDone: () => void }) {
  const t = useT();
  const c = useCommonT();
  const [form] = Form.useForm<ApplicationValues>();
  const categories = useCategories();
  const apply = useApplyForShop();
  const [error, setError] = useState<string | null>(null);
  const { message } = App.useApp();
  const required = (field: string) => [{ required: true, whitespace: true, message: c('required', { field }) }];

  return (
    <Card title={t('onboarding.form')} data-testid="application-form">
      <FormAlert message={error} />
      <Form
        form={form}
        layout="vertical"
        requiredMark
        style={{ maxWidth: 860 }}
        onFinish={(values) => {
          setError(null);
          const { logo: logoValue, ...rest } = values;
          // mutateAsync: once the application is listed, this form is replaced by the list, and
          // callbacks passed to mutate() would not run in an unmounted component.
          apply
            .mutateAsync({
              name: rest.name.trim(),
              mainCategory: rest.mainCategory,
              contactName: rest.contactName.trim(),
              contactPhone: rest.contactPhone.trim(),
              licenceNo: rest.licenceNo.trim(),
              ...(logoValue ? { logo: logoValue } : {}),
            })
            .then(
              () => {
                void message.success(t('onboarding.submitted'));
                onDone();
              },
              (e: unknown) => setError(showFormErrors(form, e)),
            );
        }}
      >
        <Row gutter={24}>
          <Col xs={24} md={16}>
            <Row gutter={16}>
              <Col span={24}>
                <Form.Item name="name" label={t('onboarding.name')} rules={required(t('onboarding.name'))}>
                  <Input data-testid="apply-name" placeholder={t('onboarding.namePlaceholder')} maxLength={60} />
                </Form.Item>
              </Col>
              <Col span={24}>
                <Form.Item
                  name="mainCategory"
                  label={t('onboarding.category')}
                  rules={required(t('onboarding.category'))}
                >
                  <Select
                    data-testid="category-select"
                    placeholder={t('onboarding.categoryPlaceholder')}
                    loading={categories.isPending}
                    options={(categories.data ?? []).map((cat) => ({ value: cat.code, label: cat.name }))}
                    showSearch={{ optionFilterProp: 'label' }}
                  />
                </Form.Item>
              </Col>
              <Col xs={24} sm={12}>
                <Form.Item
                  name="contactName"
                  label={t('onboarding.contactName')}
                  rules={required(t('onboarding.contactName'))}
                >
                  <Input data-testid="apply-contact-name" autoComplete="name" />
                </Form.Item>
              </Col>
              <Col xs={24} sm={12}>
                <Form.Item
                  name="contactPhone"
                  label={t('onboarding.contactPhone')}
                  rules={required(t('onboarding.contactPhone'))}
                >
                  <Input
                    data-testid="apply-contact-phone"
                    autoComplete="tel"
                    inputMode="tel"
                    placeholder="13800000000"
                  />
                </Form.Item>
              </Col>
              <Col span={24}>
                <Form.Item
                  name="licenceNo"
                  label={t('onboarding.licenceNo')}
                  rules={required(t('onboarding.licenceNo'))}
                >
                  <Input data-testid="apply-licence" placeholder={t('onboarding.licencePlaceholder')} maxLength={64} />
                </Form.Item>
              </Col>
            </Row>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="logo" label={t('onboarding.logo')} extra={t('onboarding.logoHint')}>
              <LogoInput onInvalid={(reason) => form.setFields([{ name: 'logo', errors: [reason] }])} />
            </Form.Item>
          </Col>
        </Row>
        <Space>
          <Button data-testid="apply-submit" type="primary" htmlType="submit" loading={apply.isPending} size="large">
            {t('onboarding.submit')}
          </Button>
        </Space>
      </Form>
    </Card>
  );
}

/** A square logo picker: reads the image into a data URL and previews it. */
function LogoInput({
  value,
  onChange,
  onInvalid,
}: {
  value?: string;
  onChange?: (value: string | undefined) => void;
  onInvalid: (reason: string) => void;
}) {
  const t = useT();
  return (
    <Space align="end" size={12}>
      <Upload
        accept={logoTypes.join(',')}
        listType="picture-card"
        showUploadList={false}
        maxCount={1}
        data-testid="logo-upload"
        beforeUpload={async (file) => {
          if (!logoTypes.includes(file.type)) onInvalid(t('onboarding.logoType'));
          else if (file.size > maxLogoBytes) onInvalid(t('onboarding.logoTooBig'));
          else onChange?.(await readAsDataUrl(file));
          return Upload.LIST_IGNORE;
        }}
      >
        {value ? (
          <img
            src={value}
            alt={t('onboarding.logo')}
            data-testid="logo-preview"
            style={{ width: '100%', height: '100%', objectFit: 'cover', borderRadius: 8 }}
          />
        ) : (
          <div>
            <PlusOutlined />
            <div style={{ marginTop: 8 }}>{t('onboarding.logoUpload')}</div>
          </div>
        )}
      </Upload>
      {value ? (
        <Button size="small" onClick={() => onChange?.(undefined)}>
          {t('onboarding.logoRemove')}
        </Button>
      ) : null}
    </Space>
  );
}

export function NoData({ text }: { text: string }) {
  return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={text} />;
}
