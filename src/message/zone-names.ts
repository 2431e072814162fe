/**
 * Time zone names as real mail writes them where RFC 5322 wants a numeric offset, in minutes east of UTC.
 * Keys are lower case, dots dropped and spaces single ("w europe standard time").
 *
 * What is here and why:
 * - RFC 5322 §4.3's obs-zone names (UT, GMT, EST ... PDT) with the meaning the RFC gives them. CST is US
 *   Central here, never China Standard Time: the RFC defines it, and Python and Exchange read it so.
 * - Abbreviations that mean one thing in practice (CET, CEST, MSK, JST, AEST, ...). AST/ADT are Atlantic, as
 *   in Python (not Arabia). BST is British Summer Time (Bangladeshi mailers write +0600).
 * - The names Windows gives its zones, which Outlook and other Windows mailers write as a comment or in
 *   place of the offset ("Eastern Daylight Time", "W. Europe Standard Time"), each standard name with its
 *   standard offset and each daylight name with its daylight offset; and common long names.
 *
 * Left out on purpose, so they stay "unknown zone, read as UTC" (RFC 5322 §4.3) and are reported as such:
 * IST (India +0530, Ireland +0100 and Israel +0200 all write it), and other abbreviations that name more
 * than one zone. Military single letters other than Z are also unknown: RFC 1123 found RFC 822 had their
 * signs backwards, so RFC 5322 says to read them as -0000.
 */
const ZONES: ReadonlyArray<readonly [string, number]> = [
  // RFC 5322 §4.3
  ['ut', 0], ['utc', 0], ['gmt', 0], ['z', 0],
  ['est', -300], ['edt', -240], ['cst', -360], ['cdt', -300], ['mst', -420], ['mdt', -360], ['pst', -480], ['pdt', -420],
  // North America beyond the RFC's four
  ['ast', -240], ['adt', -180], ['nst', -210], ['ndt', -150], ['akst', -540], ['akdt', -480], ['hst', -600],
  // Europe
  ['wet', 0], ['west', 60], ['bst', 60], ['cet', 60], ['cest', 120], ['met', 60], ['mest', 120], ['mez', 60], ['mesz', 120],
  ['eet', 120], ['eest', 180], ['msk', 180], ['msd', 240],
  // Asia, Africa, Oceania
  ['sast', 120], ['pkt', 300], ['wib', 420], ['ict', 420], ['hkt', 480], ['sgt', 480], ['awst', 480], ['jst', 540], ['kst', 540],
  ['acst', 570], ['acdt', 630], ['aest', 600], ['aedt', 660], ['nzst', 720], ['nzdt', 780],
  // Windows zone names (Standard and Daylight), as Outlook writes them
  ['coordinated universal time', 0], ['greenwich standard time', 0], ['greenwich mean time', 0],
  ['gmt standard time', 0], ['gmt daylight time', 60],
  ['eastern standard time', -300], ['eastern daylight time', -240],
  ['us eastern standard time', -300], ['us eastern daylight time', -240],
  ['central standard time', -360], ['central daylight time', -300],
  ['canada central standard time', -360], ['central america standard time', -360],
  ['mountain standard time', -420], ['mountain daylight time', -360], ['us mountain standard time', -420],
  ['pacific standard time', -480], ['pacific daylight time', -420],
  ['alaskan standard time', -540], ['alaskan daylight time', -480], ['hawaiian standard time', -600],
  ['atlantic standard time', -240], ['atlantic daylight time', -180],
  ['newfoundland standard time', -210], ['newfoundland daylight time', -150],
  ['sa pacific standard time', -300], ['sa western standard time', -240], ['sa eastern standard time', -180],
  ['e south america standard time', -180], ['e south america daylight time', -120], ['argentina standard time', -180],
  ['w europe standard time', 60], ['w europe daylight time', 120],
  ['central europe standard time', 60], ['central europe daylight time', 120],
  ['central european standard time', 60], ['central european daylight time', 120],
  ['romance standard time', 60], ['romance daylight time', 120],
  ['w central africa standard time', 60],
  ['e europe standard time', 120], ['e europe daylight time', 180],
  ['fle standard time', 120], ['fle daylight time', 180], ['gtb standard time', 120], ['gtb daylight time', 180],
  ['egypt standard time', 120], ['south africa standard time', 120],
  ['israel standard time', 120], ['israel daylight time', 180], ['jerusalem standard time', 120], ['jerusalem daylight time', 180],
  ['russian standard time', 180], ['arab standard time', 180], ['arabic standard time', 180], ['arabian standard time', 240],
  ['pakistan standard time', 300], ['india standard time', 330], ['nepal standard time', 345],
  ['se asia standard time', 420], ['china standard time', 480], ['singapore standard time', 480], ['taipei standard time', 480],
  ['w australia standard time', 480], ['tokyo standard time', 540], ['korea standard time', 540],
  ['cen australia standard time', 570], ['cen australia daylight time', 630],
  ['aus eastern standard time', 600], ['aus eastern daylight time', 660], ['e australia standard time', 600],
  ['new zealand standard time', 720], ['new zealand daylight time', 780],
  // long names outside Windows
  ['central european time', 60], ['central european summer time', 120], ['western european time', 0],
  ['western european summer time', 60], ['eastern european time', 120], ['eastern european summer time', 180],
  ['british summer time', 60], ['moscow standard time', 180], ['japan standard time', 540],
];

export const ZONE_NAMES: ReadonlyMap<string, number> = new Map(ZONES);

/** The most words a key of ZONE_NAMES has. */
export const ZONE_NAME_MAX_WORDS = Math.max(...ZONES.map(([name]) => name.split(' ').length));
