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
	// Kana spellings (older residents, phones without conversion) and
	// English words meet the kanji of the topics' phrasings through these.
	{"暗証番号", []string{"パスワード", "暗証", "pin", "ピン番号", "あんしょう", "password", "passcode"}},
	{"家族", []string{"母", "父", "夫", "妻", "親", "息子", "娘", "祖母", "祖父", "主人", "旦那", "嫁", "兄", "姉", "弟", "妹", "家内", "奥さん", "世帯", "むすこ", "むすめ", "おっと", "family", "wife", "husband", "mother", "father", "son", "daughter"}},
	{"子ども", []string{"子供", "こども", "小学生", "中学生", "赤ちゃん", "乳児", "幼児", "未成年", "息子", "娘", "親権", "しょうがく", "ちゅうがく", "child", "kid", "baby", "under 15", "小1", "小2", "小3", "小4", "小5", "小6", "中1", "中2", "中3"}},
	{"成年後見人", []string{"後見", "保佐人", "補助人", "被後見人", "被保佐人", "こうけん", "guardian"}},
	{"電話番号", []string{"電話", "tel", "連絡先", "でんわ", "phone", "call", "contact"}},
	{"マイナンバーカード", []string{"マイナカード", "マイナンバーのカード", "まいなんばー"}},
	{"本人確認書類", []string{"身分証", "免許証", "パスポート", "在留カード", "保険証", "ほけんしょう", "写真付き", "顔写真", "identification", "id card", "photo id"}},
	{"スマホ", []string{"スマートフォン", "携帯電話", "iphone", "android", "アンドロイド", "アイフォン", "smartphone"}},
	{"etax", []string{"e tax", "イータックス", "確定申告", "電子申告", "税務署", "国税", "tax return"}},
	{"オンライン", []string{"ネット", "web", "ウェブ", "自宅から", "家から", "online", "internet"}},
	{"紛失", []string{"なくし", "無くし", "失くし", "落とし", "見当たら", "見つから", "盗まれ", "どっかいっ", "どこかいっ", "どっかにいっ", "どこかにいっ", "どっか行っ", "どこか行っ", "どっかやっ", "lost", "lose"}},
	{"忘れ", []string{"わすれ", "覚えてない", "覚えていない", "おぼえてない", "思い出せ", "おもいだせ", "forgot", "forget"}},
	{"手数料", []string{"料金", "お金", "おかね", "無料", "有料", "タダ", "費用", "いくら", "てすうりょう", "fee", "cost", "free", "charge", "how much", "pay"}},
	{"受付時間", []string{"何時", "営業時間", "開庁時間", "時半", "時過ぎ", "なんじ", "じかん", "what time", "hours", "open", "close", "昼休み", "お昼"}},
	{"土日", []string{"土曜", "日曜", "週末", "休日", "祝日", "休みの日", "どようび", "にちようび", "どにち", "saturday", "sunday", "weekend", "holiday"}},
	{"混雑", []string{"混んで", "混み", "空いて", "すいて", "待ち時間", "並ぶ", "待た", "こんで", "こむ", "混む", "すいと", "crowded", "wait", "busy"}},
	{"引っ越し", []string{"引越", "引っ越", "ひっこし", "転居", "転入", "転出", "住所が変わ", "住所変更", "moved", "move", "new address"}},
	{"氏名変更", []string{"名字", "苗字", "旧姓", "名前が変わ", "氏名が変わ", "結婚", "離婚", "みょうじ", "married", "name change", "changed my name"}},
	{"通知書", []string{"お知らせ", "封筒", "はがき", "ハガキ", "手紙", "ふうとう", "notice", "letter", "envelope"}},
	// Not arrived: the one negation that splits two topics (通知が届かない
	// against 有効期限通知書), which shared characters alone cannot tell.
	{"届かない", []string{"届いてない", "届いていない", "届きません", "届いていません", "来ない", "来てない", "来ていない", "来ません", "来ていません", "きてない", "こない", "とどかない", "とどいてない", "never came", "didn't come", "not arrived", "haven't received", "didn't receive", "届かん", "来とらん", "きとらん", "届いとらん"}},
	{"代理人", []string{"代わり", "代理", "代行", "頼んで", "委任", "かわりに", "だいり", "go instead", "come instead", "instead of me", "instead of my", "instead of him", "instead of her", "in my place", "on behalf", "proxy", "for me"}},
	{"予約", []string{"よやく", "appointment", "reservation", "reserve", "book", "予約id"}},
	{"郵便局", []string{"ゆうびんきょく", "ゆうびん局", "post office"}},
	{"顔認証", []string{"かおにんしょう", "顔にんしょう", "face auth", "face recognition"}},
	{"コンビニ", []string{"こんびに", "convenience store", "セブン", "ローソン", "ファミマ", "konbini"}},
	{"有効期限", []string{"ゆうこうきげん", "きげん", "expire", "expiry", "expiration", "valid"}},
	{"期限切れ", []string{"切れちゃ", "切れてしま", "切れた", "きれた", "きれちゃ", "過ぎた", "すぎた", "すぎてもう", "expired", "失効"}},
	{"更新", []string{"こうしん"}},
	{"電子証明書", []string{"でんししょうめい", "証明所"}},
	{"持ち物", []string{"持って行", "持っていく", "持参", "もっていく", "もちもの", "必要なもの", "何がいる", "なにがいる", "bring", "what do i need"}},
	{"場所", []string{"どこ", "where"}},
	{"何回", []string{"なんかい", "2回", "二回", "1回で", "一回で", "即日", "その日のうち", "1日で", "一日で", "how many times", "same day", "twice"}},
	{"その後", []string{"終わったら", "終わった後", "終わったあと", "したあと", "した後", "済んだら", "あとで", "after"}},
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
