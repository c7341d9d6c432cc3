/**
 * Where a buyer is when the address has no coordinates: city centres of China's major cities and
 * each province's capital, a province → region map (华东 / 华北 / 华南 / 华中 / 西南 / 西北 / 东北),
 * and great-circle distances.
 */

export const REGIONS = ['华东', '华北', '华南', '华中', '西南', '西北', '东北'] as const;
export type Region = (typeof REGIONS)[number];

/** Province (short name, without 省/市/自治区) → region. */
const PROVINCE_REGION: Record<string, Region> = {
  上海: '华东',
  江苏: '华东',
  浙江: '华东',
  安徽: '华东',
  福建: '华东',
  江西: '华东',
  山东: '华东',
  台湾: '华东',
  北京: '华北',
  天津: '华北',
  河北: '华北',
  山西: '华北',
  内蒙古: '华北',
  广东: '华南',
  广西: '华南',
  海南: '华南',
  香港: '华南',
  澳门: '华南',
  河南: '华中',
  湖北: '华中',
  湖南: '华中',
  重庆: '西南',
  四川: '西南',
  贵州: '西南',
  云南: '西南',
  西藏: '西南',
  陕西: '西北',
  甘肃: '西北',
  青海: '西北',
  宁夏: '西北',
  新疆: '西北',
  辽宁: '东北',
  吉林: '东北',
  黑龙江: '东北',
};

/** City (short name, without 市) → [lat, lng] of its centre. Province capitals and major cities. */
const CITY_CENTRE: Record<string, [number, number]> = {
  北京: [39.9042, 116.4074],
  天津: [39.3434, 117.3616],
  上海: [31.2304, 121.4737],
  重庆: [29.563, 106.5516],
  石家庄: [38.0428, 114.5149],
  太原: [37.8706, 112.5489],
  呼和浩特: [40.8415, 111.7519],
  沈阳: [41.8057, 123.4315],
  大连: [38.914, 121.6147],
  长春: [43.8171, 125.3235],
  哈尔滨: [45.8038, 126.535],
  南京: [32.0603, 118.7969],
  苏州: [31.2989, 120.5853],
  无锡: [31.4912, 120.3119],
  杭州: [30.2741, 120.1551],
  宁波: [29.8683, 121.544],
  温州: [27.9943, 120.6994],
  义乌: [29.3069, 120.0751],
  合肥: [31.8206, 117.2272],
  福州: [26.0745, 119.2965],
  厦门: [24.4798, 118.0894],
  南昌: [28.682, 115.8579],
  济南: [36.6512, 117.1201],
  青岛: [36.0671, 120.3826],
  郑州: [34.7466, 113.6254],
  武汉: [30.5928, 114.3055],
  长沙: [28.2282, 112.9388],
  广州: [23.1291, 113.2644],
  深圳: [22.5431, 114.0579],
  东莞: [23.0207, 113.7518],
  佛山: [23.0215, 113.1214],
  南宁: [22.817, 108.3665],
  海口: [20.044, 110.1999],
  成都: [30.5728, 104.0668],
  贵阳: [26.647, 106.6302],
  昆明: [25.0389, 102.7183],
  拉萨: [29.652, 91.1721],
  西安: [34.3416, 108.9398],
  兰州: [36.0611, 103.8343],
  西宁: [36.6171, 101.7782],
  银川: [38.4872, 106.2309],
  乌鲁木齐: [43.8256, 87.6168],
  香港: [22.3193, 114.1694],
  澳门: [22.1987, 113.5439],
  台北: [25.033, 121.5654],
};

/** Province → its capital, for an unknown city in a known province. */
const PROVINCE_CAPITAL: Record<string, string> = {
  上海: '上海',
  江苏: '南京',
  浙江: '杭州',
  安徽: '合肥',
  福建: '福州',
  江西: '南昌',
  山东: '济南',
  台湾: '台北',
  北京: '北京',
  天津: '天津',
  河北: '石家庄',
  山西: '太原',
  内蒙古: '呼和浩特',
  广东: '广州',
  广西: '南宁',
  海南: '海口',
  香港: '香港',
  澳门: '澳门',
  河南: '郑州',
  湖北: '武汉',
  湖南: '长沙',
  重庆: '重庆',
  四川: '成都',
  贵州: '贵阳',
  云南: '昆明',
  西藏: '拉萨',
  陕西: '西安',
  甘肃: '兰州',
  青海: '西宁',
  宁夏: '银川',
  新疆: '乌鲁木齐',
  辽宁: '沈阳',
  吉林: '长春',
  黑龙江: '哈尔滨',
};

const PROVINCE_SUFFIX = /(省|市|特别行政区|壮族自治区|回族自治区|维吾尔自治区|自治区)$/;

/** '浙江省' → '浙江', '广西壮族自治区' → '广西', '上海市' → '上海'. */
export function shortProvince(name: string): string {
  return name.trim().replace(PROVINCE_SUFFIX, '');
}

/** '杭州市' → '杭州'. */
export function shortCity(name: string): string {
  return name.trim().replace(/市$/, '');
}

/** The region of a province, or null when the name is not known. */
export function regionOf(province: string): Region | null {
  return PROVINCE_REGION[shortProvince(province)] ?? null;
}

/** The known cities, for pickers (dry run). */
export function knownCities(): { city: string; province: string; lat: number; lng: number }[] {
  const provinceOfCity = new Map<string, string>();
  for (const [p, c] of Object.entries(PROVINCE_CAPITAL)) provinceOfCity.set(c, p);
  const extra: Record<string, string> = {
    大连: '辽宁',
    苏州: '江苏',
    无锡: '江苏',
    宁波: '浙江',
    温州: '浙江',
    义乌: '浙江',
    厦门: '福建',
    青岛: '山东',
    深圳: '广东',
    东莞: '广东',
    佛山: '广东',
  };
  return Object.entries(CITY_CENTRE).map(([city, [lat, lng]]) => ({
    city,
    province: provinceOfCity.get(city) ?? extra[city] ?? city,
    lat,
    lng,
  }));
}

/**
 * Coordinates for an address: its own lat/lng if given, else its city's centre, else its
 * province capital's centre; null when none is known.
 */
export function centreOf(place: {
  province?: string;
  city?: string;
  lat?: number | null;
  lng?: number | null;
}): { lat: number; lng: number; source: 'address' | 'city' } | null {
  if (place.lat != null && place.lng != null) return { lat: place.lat, lng: place.lng, source: 'address' };
  const city = CITY_CENTRE[shortCity(place.city ?? '')];
  if (city) return { lat: city[0], lng: city[1], source: 'city' };
  const capital = PROVINCE_CAPITAL[shortProvince(place.province ?? '')];
  const c = capital ? CITY_CENTRE[capital] : undefined;
  return c ? { lat: c[0], lng: c[1], source: 'city' } : null;
}

const EARTH_RADIUS_KM = 6371.0088;
const rad = (d: number) => (d * Math.PI) / 180;

/** Great-circle distance in kilometres (haversine). */
export function haversineKm(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}
