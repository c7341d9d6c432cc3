/** The demo shops' catalogues: a tea house and an apparel brand, priced in fen. */

export interface DemoProduct {
  title: string;
  subtitle: string;
  category: string;
  shopCategory: string;
  /** Drawing for the generated pictures. */
  art: { kind: 'tea' | 'ware' | 'shirt' | 'knit' | 'pants' | 'coat' | 'tote'; hue: string };
  axes: { name: string; values: string[] }[];
  /** Price of each SKU from its spec values. */
  price: (spec: Record<string, string>) => number;
  stock: number;
  story: string[];
}

const bySize = (base: number, table: Record<string, number>) => (spec: Record<string, string>) =>
  base + (table[spec['规格'] ?? ''] ?? 0);

export const TEA_PRODUCTS: DemoProduct[] = [
  {
    title: '正山小种红茶 武夷山桐木关',
    subtitle: '松烟香 桂圆汤 传统工艺',
    category: 'tea.black',
    shopCategory: '红茶',
    art: { kind: 'tea', hue: '#8c2f1b' },
    axes: [{ name: '规格', values: ['50g 尝鲜装', '125g 罐装', '250g 礼盒'] }],
    price: bySize(3800, { '125g 罐装': 4000, '250g 礼盒': 12000 }),
    stock: 200,
    story: [
      '产自武夷山桐木关核心产区，海拔 1000 米以上。',
      '传统松木熏焙，汤色红艳，桂圆香明显。',
      '冲泡建议：95℃ 水，5g 茶配 150ml，前三泡 10 秒出汤。',
    ],
  },
  {
    title: '明前西湖龙井 特级',
    subtitle: '2026 新茶 狮峰山',
    category: 'tea.green',
    shopCategory: '绿茶',
    art: { kind: 'tea', hue: '#5a8f29' },
    axes: [{ name: '规格', values: ['50g', '100g', '250g'] }],
    price: bySize(16800, { '100g': 15000, '250g': 52000 }),
    stock: 80,
    story: ['清明前采摘一芽一叶初展。', '手工炒制，扁平光滑，豆花香。', '建议 80℃ 水温下投法冲泡。'],
  },
  {
    title: '安溪铁观音 清香型',
    subtitle: '兰花香 回甘持久',
    category: 'tea.oolong',
    shopCategory: '乌龙茶',
    art: { kind: 'tea', hue: '#3f7d4e' },
    axes: [{ name: '规格', values: ['7g×10 泡', '7g×30 泡'] }],
    price: (s) => (s['规格'] === '7g×30 泡' ? 16800 : 6800),
    stock: 150,
    story: ['安溪西坪高山茶园，秋茶。', '颗粒紧结，七泡有余香。'],
  },
  {
    title: '云南普洱熟茶饼 2019 年',
    subtitle: '勐海 357g 七子饼',
    category: 'tea.puer',
    shopCategory: '普洱',
    art: { kind: 'tea', hue: '#4a2511' },
    axes: [{ name: '规格', values: ['单饼', '一提 7 饼'] }],
    price: (s) => (s['规格'] === '一提 7 饼' ? 138000 : 21800),
    stock: 60,
    story: ['勐海大叶种晒青毛茶，渥堆发酵。', '存放五年，陈香显，汤色红浓。'],
  },
  {
    title: '福鼎白毫银针',
    subtitle: '头采 毫香蜜韵',
    category: 'tea.white',
    shopCategory: '白茶',
    art: { kind: 'tea', hue: '#b9b08a' },
    axes: [{ name: '规格', values: ['50g', '100g'] }],
    price: bySize(19800, { '100g': 17000 }),
    stock: 70,
    story: ['福鼎太姥山，单芽采摘。', '日光萎凋，毫香显，滋味清甜。'],
  },
  {
    title: '大红袍 武夷岩茶',
    subtitle: '中火 岩骨花香',
    category: 'tea.oolong',
    shopCategory: '乌龙茶',
    art: { kind: 'tea', hue: '#6e3b1f' },
    axes: [{ name: '规格', values: ['8g×8 泡', '8g×20 泡 礼盒'] }],
    price: (s) => (s['规格'] === '8g×8 泡' ? 9800 : 26800),
    stock: 90,
    story: ['武夷山正岩产区，传统炭焙。', '岩韵明显，耐泡。'],
  },
  {
    title: '汝窑天青盖碗',
    subtitle: '开片可养 150ml',
    category: 'tea.ware',
    shopCategory: '茶具',
    art: { kind: 'ware', hue: '#8fb3b0' },
    axes: [{ name: '颜色', values: ['天青', '月白'] }],
    price: () => 12800,
    stock: 40,
    story: ['汝窑工艺，釉面温润。', '盖碗、茶托一套，适合冲泡各类茶。'],
  },
  {
    title: '日式粗陶茶杯 4 只装',
    subtitle: '手工拉坯 80ml',
    category: 'tea.ware',
    shopCategory: '茶具',
    art: { kind: 'ware', hue: '#a0785a' },
    axes: [],
    price: () => 8800,
    stock: 120,
    story: ['手工拉坯，每只略有不同。', '可用洗碗机。'],
  },
];

const SIZES = ['S', 'M', 'L', 'XL'];
const bySizeUp = (base: number) => (spec: Record<string, string>) => base + (spec['尺码'] === 'XL' ? 1000 : 0);

export const APPAREL_PRODUCTS: DemoProduct[] = [
  {
    title: '纯棉重磅圆领 T 恤',
    subtitle: '260g 新疆长绒棉 不易变形',
    category: 'apparel.tops',
    shopCategory: 'T恤',
    art: { kind: 'shirt', hue: '#ffffff' },
    axes: [
      { name: '颜色', values: ['白色', '黑色', '雾霾蓝', '燕麦色'] },
      { name: '尺码', values: SIZES },
    ],
    price: bySizeUp(9900),
    stock: 60,
    story: ['260g 重磅面料，久穿不透。', '落肩版型，男女同款。', '建议冷水机洗，反面晾干。'],
  },
  {
    title: '水洗牛津纺衬衫',
    subtitle: '宽松 长袖 通勤百搭',
    category: 'apparel.shirts',
    shopCategory: '衬衫',
    art: { kind: 'shirt', hue: '#9db7d6' },
    axes: [
      { name: '颜色', values: ['浅蓝', '白色', '粉色'] },
      { name: '尺码', values: SIZES },
    ],
    price: bySizeUp(19900),
    stock: 40,
    story: ['牛津纺经水洗处理，柔软亲肤。', '纽扣领设计，可单穿可叠穿。'],
  },
  {
    title: '美利奴羊毛针织开衫',
    subtitle: '100% 羊毛 V 领',
    category: 'apparel.knit',
    shopCategory: '针织',
    art: { kind: 'knit', hue: '#c49a6c' },
    axes: [
      { name: '颜色', values: ['驼色', '深灰', '藏青'] },
      { name: '尺码', values: SIZES },
    ],
    price: bySizeUp(39900),
    stock: 25,
    story: ['澳洲美利奴羊毛，细腻不扎。', '手洗或羊毛模式机洗，平铺晾干。'],
  },
  {
    title: '直筒休闲西裤',
    subtitle: '垂感 抗皱 九分',
    category: 'apparel.pants',
    shopCategory: '裤装',
    art: { kind: 'pants', hue: '#3b3f46' },
    axes: [
      { name: '颜色', values: ['黑色', '卡其', '深灰'] },
      { name: '尺码', values: SIZES },
    ],
    price: bySizeUp(25900),
    stock: 35,
    story: ['混纺面料，垂坠有型，不易起皱。', '侧边隐形拉链，腰头内置防滑条。'],
  },
  {
    title: '轻薄连帽风衣',
    subtitle: '防泼水 可收纳',
    category: 'apparel.outer',
    shopCategory: '外套',
    art: { kind: 'coat', hue: '#7a8b5c' },
    axes: [
      { name: '颜色', values: ['军绿', '黑色', '米白'] },
      { name: '尺码', values: SIZES },
    ],
    price: bySizeUp(45900),
    stock: 20,
    story: ['防泼水面料，小雨无忧。', '可收纳进自身口袋，出行方便。'],
  },
  {
    title: '帆布托特包',
    subtitle: '16 安加厚帆布 大容量',
    category: 'apparel.accessories',
    shopCategory: '配饰',
    art: { kind: 'tote', hue: '#e4d7bd' },
    axes: [{ name: '颜色', values: ['本白', '黑色'] }],
    price: () => 7900,
    stock: 100,
    story: ['16 安加厚帆布，可放 14 寸笔记本。', '内置拉链袋。'],
  },
];

/** Colour names in the catalogues and how to paint them. */
export const COLOURS: Record<string, string> = {
  白色: '#f7f7f5',
  黑色: '#26272b',
  雾霾蓝: '#8fa5bd',
  燕麦色: '#d9c7a7',
  浅蓝: '#a9c4e2',
  粉色: '#efc1c8',
  驼色: '#c49a6c',
  深灰: '#55585e',
  藏青: '#27344f',
  卡其: '#b79f74',
  军绿: '#5f6b45',
  米白: '#ece4d2',
  本白: '#efe8d8',
  天青: '#a9c7c2',
  月白: '#e3ebe8',
};
