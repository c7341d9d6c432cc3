import { App, Button, Col, Divider, Form, InputNumber, Row, Switch, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { FormAlert, LoadError, PageLoading, showFormErrors } from '../../../shared/antd/components';
import { useCommonT } from '../../../shared/antd/i18n';
import { type OrderSettings, useOrderSettings, useSaveOrderSettings } from '../../commerce';
import { useT } from '../../i18n';
import { fenToYuan, yuanToFen } from '../../money';

interface Values {
  shippingFee: number;
  freeShipping: boolean;
  freeShippingOver?: number | null;
  unpaidTimeoutMinutes: number;
  autoConfirmDays: number;
  afterSalesDays: number;
}

const toValues = (s: OrderSettings): Values => ({
  shippingFee: fenToYuan(s.shippingFee),
  freeShipping: s.freeShippingOver !== null,
  freeShippingOver: s.freeShippingOver !== null ? fenToYuan(s.freeShippingOver) : null,
  unpaidTimeoutMinutes: s.unpaidTimeoutMinutes,
  autoConfirmDays: s.autoConfirmDays,
  afterSalesDays: s.afterSalesDays,
});

/** Shipping fee, free-shipping threshold and the order clock (unpaid timeout, auto confirm, after-sales window). */
export function OrderSettingsForm({ shopId }: { shopId: string }) {
  const t = useT();
  const c = useCommonT();
  const settings = useOrderSettings(shopId);
  const save = useSaveOrderSettings(shopId);
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | null>(null);
  const { message } = App.useApp();
  const freeShipping = Form.useWatch('freeShipping', form);

  useEffect(() => {
    if (settings.data) form.setFieldsValue(toValues(settings.data));
  }, [settings.data, form]);

  if (settings.isPending) return <PageLoading />;
  if (settings.isError) return <LoadError error={settings.error} onRetry={() => void settings.refetch()} />;

  return (
    <>
      <FormAlert message={error} />
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={toValues(settings.data)}
        data-testid="order-settings-form"
        onFinish={(v) => {
          setError(null);
          save.mutate(
            {
              shippingFee: yuanToFen(v.shippingFee ?? 0),
              freeShippingOver: v.freeShipping && v.freeShippingOver != null ? yuanToFen(v.freeShippingOver) : null,
              unpaidTimeoutMinutes: v.unpaidTimeoutMinutes,
              autoConfirmDays: v.autoConfirmDays,
              afterSalesDays: v.afterSalesDays,
            },
            {
              onSuccess: () => void message.success(t('orderSettings.saved')),
              onError: (e) => setError(showFormErrors(form, e)),
            },
          );
        }}
      >
        <Typography.Title level={5} style={{ marginTop: 0 }}>
          {t('orderSettings.shipping')}
        </Typography.Title>
        <Row gutter={24}>
          <Col xs={24} md={8}>
            <Form.Item
              name="shippingFee"
              label={t('orderSettings.shippingFee')}
              extra={t('orderSettings.shippingFeeHint')}
              rules={[{ required: true, message: t('orderSettings.shippingFeeRequired') }]}
            >
              <InputNumber prefix="¥" min={0} max={1000} precision={2} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="freeShipping" label={t('orderSettings.freeShipping')} valuePropName="checked">
              <Switch />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item
              name="freeShippingOver"
              label={t('orderSettings.freeShippingOver')}
              extra={t('orderSettings.freeShippingOverHint')}
              rules={freeShipping ? [{ required: true, message: t('orderSettings.freeShippingOverRequired') }] : []}
            >
              <InputNumber
                prefix="¥"
                min={0}
                max={1_000_000}
                precision={2}
                style={{ width: '100%' }}
                disabled={!freeShipping}
                aria-label={t('orderSettings.freeShippingOver')}
              />
            </Form.Item>
          </Col>
        </Row>
        <Divider style={{ margin: '4px 0 16px' }} />
        <Typography.Title level={5}>{t('orderSettings.clock')}</Typography.Title>
        <Row gutter={24}>
          <Col xs={24} md={8}>
            <Form.Item
              name="unpaidTimeoutMinutes"
              label={t('orderSettings.unpaidTimeout')}
              extra={t('orderSettings.unpaidTimeoutHint')}
              rules={[{ required: true, message: t('orderSettings.valueRequired') }]}
            >
              <InputNumber
                min={5}
                max={7 * 24 * 60}
                precision={0}
                suffix={t('orderSettings.minutes')}
                style={{ width: '100%' }}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item
              name="autoConfirmDays"
              label={t('orderSettings.autoConfirm')}
              extra={t('orderSettings.autoConfirmHint')}
              rules={[{ required: true, message: t('orderSettings.valueRequired') }]}
            >
              <InputNumber min={1} max={30} precision={0} suffix={t('orderSettings.days')} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item
              name="afterSalesDays"
              label={t('orderSettings.afterSales')}
              extra={t('orderSettings.afterSalesHint')}
              rules={[{ required: true, message: t('orderSettings.valueRequired') }]}
            >
              <InputNumber min={0} max={30} precision={0} suffix={t('orderSettings.days')} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="save-order-settings">
          {c('save')}
        </Button>
      </Form>
    </>
  );
}
