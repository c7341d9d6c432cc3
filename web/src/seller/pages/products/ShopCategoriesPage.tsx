import { ArrowLeftOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Form, Input, InputNumber, Modal, Popconfirm, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { errorMessage } from '../../../api/errors';
import { FormAlert, PageHeader, showFormErrors } from '../../../shared/antd/components';
import { useCommonT } from '../../../shared/antd/i18n';
import { type ShopCategory, useDeleteShopCategory, useSaveShopCategory, useShopCategories } from '../../commerce';
import { useT } from '../../i18n';
import { hasPermission, useCurrentShop } from '../../SellerLayout';
import { ShopError } from '../../ShopError';

interface Values {
  name: string;
  sort?: number | null;
}

/** The shop's own categories (what shoppers browse in the shop): add, rename, reorder, delete. */
export function ShopCategoriesPage() {
  const t = useT();
  const c = useCommonT();
  const navigate = useNavigate();
  const membership = useCurrentShop();
  const { shop } = membership;
  const canWrite = hasPermission(membership, 'products.write');
  const categories = useShopCategories(shop.id);
  const save = useSaveShopCategory(shop.id);
  const remove = useDeleteShopCategory(shop.id);
  const { message } = App.useApp();
  const [addForm] = Form.useForm<Values>();
  const [editForm] = Form.useForm<Values>();
  const [editing, setEditing] = useState<ShopCategory | null>(null);
  const [addError, setAddError] = useState<string | null>(null);
  const [editError, setEditError] = useState<string | null>(null);

  if (categories.isError)
    return <ShopError error={categories.error} shopId={shop.id} onRetry={() => void categories.refetch()} />;

  const nameRules = [
    { required: true, whitespace: true, message: t('cats.nameRequired') },
    { max: 20, message: t('cats.nameMax') },
  ];

  return (
    <div data-testid="shop-categories-page">
      <PageHeader
        title={
          <Space>
            <Button
              type="text"
              icon={<ArrowLeftOutlined />}
              aria-label={t('common.back')}
              onClick={() => navigate(`/shops/${shop.id}/products`)}
            />
            {t('cats.title')}
          </Space>
        }
        subtitle={t('cats.sub')}
      />
      {canWrite ? (
        <Card style={{ marginBottom: 16 }}>
          <FormAlert message={addError} />
          <Form<Values>
            form={addForm}
            name="category-add"
            layout="inline"
            requiredMark={false}
            onFinish={(v) => {
              setAddError(null);
              save.mutate(
                { name: v.name.trim(), sort: v.sort ?? undefined },
                {
                  onSuccess: (cat) => {
                    void message.success(t('cats.added', { name: cat.name }));
                    addForm.resetFields();
                  },
                  onError: (e) => setAddError(showFormErrors(addForm, e)),
                },
              );
            }}
          >
            <Form.Item name="name" label={t('cats.name')} rules={nameRules}>
              <Input maxLength={20} style={{ width: 220 }} placeholder={t('cats.namePlaceholder')} />
            </Form.Item>
            <Form.Item name="sort" label={t('cats.sort')} tooltip={t('cats.sortHint')}>
              <InputNumber min={0} max={9999} precision={0} style={{ width: 110 }} />
            </Form.Item>
            <Button type="primary" htmlType="submit" icon={<PlusOutlined />} loading={save.isPending && !editing}>
              {t('cats.add')}
            </Button>
          </Form>
        </Card>
      ) : null}
      <Card styles={{ body: { padding: 0 } }}>
        <Table<ShopCategory>
          rowKey="id"
          loading={categories.isPending}
          dataSource={categories.data ?? []}
          pagination={false}
          locale={{ emptyText: t('cats.empty') }}
          data-testid="categories-table"
          columns={[
            {
              title: t('cats.name'),
              key: 'name',
              render: (_, cat) => <Typography.Text strong>{cat.name}</Typography.Text>,
            },
            { title: t('cats.sort'), key: 'sort', width: 120, dataIndex: 'sort' },
            {
              title: t('cats.products'),
              key: 'products',
              width: 160,
              render: (_, cat) => (
                <Typography.Link onClick={() => navigate(`/shops/${shop.id}/products?category=${cat.id}`)}>
                  {t('cats.viewProducts')}
                </Typography.Link>
              ),
            },
            ...(canWrite
              ? [
                  {
                    title: t('products.col.actions'),
                    key: 'actions',
                    width: 160,
                    render: (_: unknown, cat: ShopCategory) => (
                      <Space size={0}>
                        <Button
                          type="link"
                          size="small"
                          onClick={() => {
                            setEditError(null);
                            setEditing(cat);
                            editForm.setFieldsValue({ name: cat.name, sort: cat.sort });
                          }}
                        >
                          {t('cats.edit')}
                        </Button>
                        <Popconfirm
                          title={t('cats.deleteConfirm', { name: cat.name })}
                          okButtonProps={{ danger: true }}
                          onConfirm={() =>
                            remove.mutateAsync(cat.id).then(
                              () => void message.success(t('cats.deleted', { name: cat.name })),
                              (e: unknown) => void message.error(errorMessage(e)),
                            )
                          }
                        >
                          <Button type="link" size="small" danger>
                            {t('cats.delete')}
                          </Button>
                        </Popconfirm>
                      </Space>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Card>
      <Modal
        title={t('cats.editTitle')}
        open={!!editing}
        onCancel={() => setEditing(null)}
        okText={c('save')}
        cancelText={c('cancel')}
        confirmLoading={save.isPending}
        onOk={() =>
          void editForm
            .validateFields()
            .then((v) => {
              if (!editing) return;
              setEditError(null);
              save.mutate(
                { id: editing.id, name: v.name.trim(), sort: v.sort ?? undefined },
                {
                  onSuccess: () => {
                    void message.success(c('saved'));
                    setEditing(null);
                  },
                  onError: (e) => setEditError(showFormErrors(editForm, e)),
                },
              );
            })
            .catch(() => undefined)
        }
        destroyOnHidden
        forceRender
      >
        <FormAlert message={editError} />
        <Form<Values> form={editForm} name="category-edit" layout="vertical" requiredMark={false}>
          <Form.Item name="name" label={t('cats.name')} rules={nameRules}>
            <Input maxLength={20} />
          </Form.Item>
          <Form.Item name="sort" label={t('cats.sort')} tooltip={t('cats.sortHint')}>
            <InputNumber min={0} max={9999} precision={0} style={{ width: 140 }} />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
