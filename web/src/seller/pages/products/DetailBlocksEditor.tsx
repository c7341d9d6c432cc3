import {
  ArrowDownOutlined,
  ArrowUpOutlined,
  DeleteOutlined,
  FileTextOutlined,
  PictureOutlined,
  VideoCameraOutlined,
} from '@ant-design/icons';
import { Button, Empty, Form, Input, Space, Tooltip, Typography } from 'antd';
import { SingleMediaField } from '../../components/MediaField';
import { useT } from '../../i18n';

export const MAX_BLOCKS = 60;

export type EditorBlock =
  | { type: 'text'; text?: string }
  | { type: 'image'; url?: string | null }
  | { type: 'video'; url?: string | null; poster?: string | null };

const icons = { text: <FileTextOutlined />, image: <PictureOutlined />, video: <VideoCameraOutlined /> };

/** The product's detail page as a list of blocks: text, image or video; add, reorder, remove. */
export function DetailBlocksEditor({ shopId, disabled }: { shopId: string; disabled?: boolean }) {
  const t = useT();
  const form = Form.useFormInstance();
  return (
    <Form.List name="detailBlocks">
      {(fields, { add, remove, move }, { errors }) => (
        <div data-testid="detail-blocks">
          {fields.length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('editor.blocksEmpty')} />
          ) : null}
          {fields.map((field, index) => {
            const type = (form.getFieldValue(['detailBlocks', field.name, 'type']) as EditorBlock['type']) ?? 'text';
            return (
              <div key={field.key} className="qd-block" data-testid="detail-block" data-type={type}>
                <div className="qd-block-head">
                  <Space size={6}>
                    <span className="qd-block-no">{index + 1}</span>
                    {icons[type]}
                    <Typography.Text strong>{t(`editor.block.${type}`)}</Typography.Text>
                  </Space>
                  <Space size={2}>
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
                    <Tooltip title={t('editor.removeBlock')}>
                      <Button
                        type="text"
                        size="small"
                        danger
                        icon={<DeleteOutlined />}
                        aria-label={t('editor.removeBlock')}
                        onClick={() => remove(field.name)}
                      />
                    </Tooltip>
                  </Space>
                </div>
                <Form.Item name={[field.name, 'type']} hidden>
                  <Input />
                </Form.Item>
                {type === 'text' ? (
                  <Form.Item
                    name={[field.name, 'text']}
                    style={{ marginBottom: 0 }}
                    rules={[
                      { required: true, whitespace: true, message: t('editor.blockTextRequired') },
                      { max: 5000, message: t('editor.blockTextMax') },
                    ]}
                  >
                    <Input.TextArea
                      autoSize={{ minRows: 3, maxRows: 12 }}
                      maxLength={5000}
                      showCount
                      placeholder={t('editor.blockTextPlaceholder')}
                      aria-label={t('editor.blockTextLabel', { n: index + 1 })}
                    />
                  </Form.Item>
                ) : (
                  <Space align="start" size={16} wrap>
                    <Form.Item
                      name={[field.name, 'url']}
                      style={{ marginBottom: 0 }}
                      rules={[
                        {
                          required: true,
                          message: t(type === 'video' ? 'editor.blockVideoRequired' : 'editor.blockImageRequired'),
                        },
                      ]}
                    >
                      <SingleMediaField
                        shopId={shopId}
                        kind={type}
                        size="wide"
                        testId={`block-media-${index}`}
                        disabled={disabled}
                      />
                    </Form.Item>
                    {type === 'video' ? (
                      <div>
                        <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block', marginBottom: 4 }}>
                          {t('editor.poster')}
                        </Typography.Text>
                        <Form.Item name={[field.name, 'poster']} style={{ marginBottom: 0 }}>
                          <SingleMediaField
                            shopId={shopId}
                            kind="image"
                            testId={`block-poster-${index}`}
                            disabled={disabled}
                          />
                        </Form.Item>
                      </div>
                    ) : null}
                  </Space>
                )}
              </div>
            );
          })}
          <Form.ErrorList errors={errors} />
          <Space wrap style={{ marginTop: 4 }}>
            {(['text', 'image', 'video'] as const).map((type) => (
              <Button
                key={type}
                icon={icons[type]}
                disabled={disabled || fields.length >= MAX_BLOCKS}
                onClick={() => add(type === 'text' ? { type, text: '' } : { type, url: null })}
                data-testid={`add-block-${type}`}
              >
                {t(`editor.addBlock.${type}`)}
              </Button>
            ))}
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('editor.blocksHint', { n: MAX_BLOCKS })}
            </Typography.Text>
          </Space>
        </div>
      )}
    </Form.List>
  );
}
