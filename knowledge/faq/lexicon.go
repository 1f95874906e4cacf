package faq

import "strings"

// lexicon groups words residents use for one concept. When a text (a
// question or an indexed phrasing) contains a variant, the concept's
// canonical word is added to it, so that "パスワード" meets "暗証番号" and
// "母" meets "家族" though they share no character. It holds Japanese, not
// municipal facts: the facts stay in the knowledge YAML.
var lexicon = []struct {
	canonical string
	variants  []string
}{
	{"暗証番号", []string{"パスワード", "暗証", "pin", "ピン番号"}},
	{"家族", []string{"母", "父", "夫", "妻", "親", "息子", "娘", "祖母", "祖父", "主人", "旦那", "嫁", "兄", "姉", "弟", "妹", "家内", "奥さん", "世帯"}},
	{"子ども", []string{"子供", "こども", "小学生", "中学生", "赤ちゃん", "乳児", "幼児", "未成年", "息子", "娘", "親権"}},
	{"成年後見人", []string{"後見", "保佐人", "補助人", "被後見人"}},
	{"電話番号", []string{"電話", "tel", "連絡先", "でんわ"}},
	{"マイナンバーカード", []string{"マイナカード", "マイナンバーのカード"}},
	{"本人確認書類", []string{"身分証", "免許証", "パスポート", "在留カード"}},
	{"スマホ", []string{"スマートフォン", "携帯電話", "iphone", "android", "アンドロイド", "アイフォン"}},
	{"etax", []string{"e tax", "イータックス", "確定申告", "電子申告", "税務署", "国税"}},
	{"オンライン", []string{"ネット", "web", "ウェブ", "自宅から", "家から"}},
	{"紛失", []string{"なくし", "無くし", "失くし", "落とし", "見当たら", "見つから", "盗まれ"}},
	{"忘れ", []string{"わすれ", "覚えてない", "覚えていない", "おぼえてない", "思い出せ"}},
	{"手数料", []string{"料金", "お金", "無料", "有料", "タダ", "費用", "いくら"}},
	{"受付時間", []string{"何時", "営業時間", "開庁時間", "時半", "時過ぎ"}},
	{"土日", []string{"土曜", "日曜", "週末", "休日", "祝日", "休みの日"}},
	{"混雑", []string{"混んで", "混み", "空いて", "すいて", "待ち時間", "並ぶ", "待た"}},
	{"引っ越し", []string{"引越", "引っ越", "ひっこし", "転居", "転入", "転出", "住所が変わ", "住所変更"}},
	{"氏名変更", []string{"名字", "苗字", "旧姓", "名前が変わ", "氏名が変わ", "結婚", "離婚"}},
	{"通知書", []string{"お知らせ", "封筒", "はがき", "ハガキ", "手紙"}},
	// Not arrived: the one negation that splits two topics (通知が届かない
	// against 有効期限通知書), which shared characters alone cannot tell.
	{"届かない", []string{"届いてない", "届いていない", "届きません", "届いていません", "来ない", "来てない", "来ていない", "来ません", "来ていません", "きてない", "こない"}},
	{"代理人", []string{"代わり", "代理", "代行", "頼んで", "委任"}},
}

// expansionWeight weighs the grams of an added canonical word.
var expansionWeight = 1.0

// lexiconNorm is lexicon, normalised.
var lexiconNorm = func() [][]string {
	out := make([][]string, len(lexicon))
	for i, e := range lexicon {
		out[i] = append(out[i], Normalize(e.canonical))
		for _, v := range e.variants {
			out[i] = append(out[i], Normalize(v))
		}
	}
	return out
}()

// expansions returns the canonical words, normalised, whose variants occur
// in normalized text and which it does not already contain.
func expansions(normalized string) []string {
	var out []string
	for _, e := range lexiconNorm {
		if strings.Contains(normalized, e[0]) {
			continue
		}
		for _, v := range e[1:] {
			if strings.Contains(normalized, v) {
				out = append(out, e[0])
				break
			}
		}
	}
	return out
}
