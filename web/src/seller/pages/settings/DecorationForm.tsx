import {
  ArrowDownOutlined,
  ArrowUpOutlined,
  DeleteOutlined,
  NotificationOutlined,
  PlusOutlined,
} from '@ant-design/icons';
import { App, Button, Card, Carousel, Col, Empty, Form, Input, Row, Space, Tooltip, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { formatDateTime } from '../../../i18n/locale';
import { useLocale } from '../../../i18n/react';
import { FormAlert, LoadError, PageLoading, showFormErrors } from '../../../shared/antd/components';
import { useCommonT } from '../../../shared/antd/i18n';
import { type Decoration, useDecoration, useSaveDecoration } from '../../commerce';
import { SingleMediaField } from '../../components/MediaField';
import { useT } from '../../i18n';

export const MAX_BANNERS = 5;
const LINK = /^(\/(?!\/)\S*|https?:\/\/\S+)$/;

interface Values {
  banners: { imageUrl?: string | null; title?: string | null; link?: string | null }[];
  notice?: string | null;
}

const toValues = (d: Decoration): Values => ({ banners: d.banners, notice: d.notice ?? '' });

/** The storefront home's banners (uploaded pictures with a title and link) and notice, with a phone preview. */
export function DecorationForm({ shopId, shopName }: { shopId: string; shopName: string }) {
  const t = useT();
  const c = useCommonT();
  const locale = useLocale();
  const decoration = useDecoration(shopId);
  const save = useSaveDecoration(shopId);
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | null>(null);
  const { message } = App.useApp();
  const banners = (Form.useWatch('banners', form) ?? []) as Values['banners'];
  const notice = Form.useWatch('notice', form) as string | undefined;

  useEffect(() => {
    if (decoration.data) form.setFieldsValue(toValues(decoration.data));
  }, [decoration.data, form]);

  if (decoration.isPending) return <PageLoading />;
  if (decoration.isError) return <LoadError error={decoration.error} onRetry={() => void decoration.refetch()} />;

  return (
    <Row gutter={[24, 24]} data-testid="decoration">
      <Col xs={24} xl={15}>
        <FormAlert message={error} />
        <Form<Values>
          form={form}
          layout="vertical"
          initialValues={toValues(decoration.data)}
          onFinish={() => {
            const v = form.getFieldsValue(true) as Values;
            setError(null);
            save.mutate(
              {
                banners: (v.banners ?? []).map((b) => ({
                  imageUrl: b.imageUrl ?? '',
                  title: b.title?.trim() || null,
                  link: b.link?.trim() || null,
                })),
                notice: v.notice?.trim() || null,
              },
              {
                onSuccess: () => void message.success(t('deco.saved')),
                onError: (e) => setError(showFormErrors(form, e)),
              },
            );
          }}
        >
          <Typography.Title level={5} style={{ marginTop: 0 }}>
            {t('deco.banners')}
          </Typography.Title>
          <Typography.Paragraph type="secondary">{t('deco.bannersHint', { n: MAX_BANNERS })}</Typography.Paragraph>
          <Form.List name="banners">
            {(fields, { add, remove, move }, { errors }) => (
              <>
                {fields.map((field, index) => (
                  <div key={field.key} className="qd-banner-row" data-testid="banner-row">
                    <Form.Item
                      name={[field.name, 'imageUrl']}
                      rules={[{ required: true, message: t('deco.imageRequired') }]}
                      style={{ marginBottom: 0 }}
                    >
                      <SingleMediaField shopId={shopId} size="wide" testId={`banner-image-${index}`} />
                    </Form.Item>
                    <div style={{ flex: 1, minWidth: 0 }}>
                      <Form.Item
                        name={[field.name, 'title']}
                        label={t('deco.bannerTitle')}
                        rules={[{ max: 30, message: t('deco.bannerTitleMax') }]}
                        style={{ marginBottom: 8 }}
                      >
                        <Input maxLength={30} placeholder={t('deco.optional')} />
                      </Form.Item>
                      <Form.Item
                        name={[field.name, 'link']}
                        label={t('deco.bannerLink')}
                        rules={[{ pattern: LINK, message: t('deco.linkFormat') }]}
                        style={{ marginBottom: 0 }}
                      >
                        <Input maxLength={500} placeholder="/m/shops/…  https://…" />
                      </Form.Item>
                    </div>
                    <Space orientation="vertical" size={2}>
                      <Tooltip title={t('editor.moveUp')}>
                        <Button
                          type="text"
                          size="small"
                          icon={<ArrowUpOutlined />}
                          aria-label={t('editor.moveUp')}
                          disabled={index === 0}
                          onClick={() => move(index, index - 1)}
                        />
                      </Tooltip>
                      <Tooltip title={t('editor.moveDown')}>
                        <Button
                          type="text"
                          size="small"
                          icon={<ArrowDownOutlined />}
                          aria-label={t('editor.moveDown')}
                          disabled={index === fields.length - 1}
                          onClick={() => move(index, index + 1)}
                        />
                      </Tooltip>
                      <Tooltip title={t('deco.removeBanner')}>
                        <Button
                          type="text"
                          size="small"
                          danger
                          icon={<DeleteOutlined />}
                          aria-label={t('deco.removeBanner')}
                          onClick={() => remove(field.name)}
                        />
                      </Tooltip>
                    </Space>
                  </div>
                ))}
                <Form.ErrorList errors={errors} />
                <Button
                  icon={<PlusOutlined />}
                  disabled={fields.length >= MAX_BANNERS}
                  onClick={() => add({ imageUrl: null, title: '', link: '' })}
                  style={{ marginBottom: 24 }}
                  data-testid="add-banner"
                >
                  {t('deco.addBanner')} ({fields.length}/{MAX_BANNERS})
                </Button>
              </>
            )}
          </Form.List>
          <Form.Item
            name="notice"
            label={
              <Typography.Title level={5} style={{ margin: 0 }}>
                {t('deco.notice')}
              </Typography.Title>
            }
            extra={t('deco.noticeHint')}
            rules={[{ max: 200, message: t('deco.noticeMax') }]}
          >
            <Input.TextArea rows={3} maxLength={200} showCount placeholder={t('deco.noticePlaceholder')} />
          </Form.Item>
          <Space align="center">
            <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="save-decoration">
              {c('save')}
            </Button>
            {decoration.data.updatedAt ? (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('deco.updatedAt', { time: formatDateTime(decoration.data.updatedAt, locale) })}
              </Typography.Text>
            ) : null}
          </Space>
        </Form>
      </Col>
      <Col xs={24} xl={9}>
        <Card size="small" title={t('deco.preview')} className="qd-phone-card">
          <div className="qd-phone" data-testid="decoration-preview">
            <div className="qd-phone-shop">{shopName}</div>
            {notice?.trim() ? (
              <div className="qd-phone-notice">
                <NotificationOutlined /> <span>{notice}</span>
              </div>
            ) : null}
            {banners.some((b) => b?.imageUrl) ? (
              <Carousel autoplay dots className="qd-phone-carousel">
                {banners
                  .filter((b) => b?.imageUrl)
                  .map((b, i) => (
                    <div key={i}>
                      <div className="qd-phone-banner" style={{ backgroundImage: `url(${b.imageUrl})` }}>
                        {b.title ? <span>{b.title}</span> : null}
                      </div>
                    </div>
                  ))}
              </Carousel>
            ) : (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('deco.noBanners')} />
            )}
            <div className="qd-phone-grid">
              {Array.from({ length: 4 }, (_, i) => (
                <span key={i} />
              ))}
            </div>
          </div>
        </Card>
      </Col>
    </Row>
  );
}
