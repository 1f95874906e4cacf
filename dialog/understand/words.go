package understand

// The answer vocabulary: yes and no, the two yes/no slots' own words,
// commands and "I don't know". Spelled as residents type them; Normalize
// folds katakana and width, so each spelling is listed once.
func answerWords() {
	word(kSkip, "", "ええと", "えーと", "えっと", "うーん", "ありがと", "有難", "でき", "出来",
		"はなし", "いくら", "いくつ", "間違い", "間違え", "違反")
	word(kBoundary, "", "けど", "けれど", "だけど", "でも", "しかし", "ただし", "ですが", "ので")

	word(kIntYes, "", "はい", "はーい", "ええ", "うん", "うんうん", "そうです", "そう", "yes",
		"y", "ok", "okay", "おっけー", "おけ", "もちろん", "その通り")
	word(kIntNo, "", "いいえ", "いえ", "いや", "いいや", "ううん", "いえいえ", "no", "n",
		"nope", "ちがう", "違う", "違い", "ちがい")

	// "There is" and "there is not", for whichever yes/no slot is the topic.
	// A negation after a positive stem wins because the last word of a
	// clause decides: 持って|い|ません, あり|ません, 変わら|ない.
	word(kYes, "", "ある", "あり", "あった", "あって", "有る", "有り", "有っ", "あるから")
	word(kNo, "", "ない", "無い", "なし", "無し", "ません", "ないです", "なかった", "無かった")

	// Losing is a "no"; denying the loss is a "yes". The double negatives
	// must be single words, or なくし|て|ない would read as two noes.
	lost := []string{"なくし", "失くし", "無くし", "紛失し", "捨て", "すて", "失っ", "処分し"}
	word(kNoticeNo, "", lost...)
	word(kNoticeNo, "", "紛失", "まだ", "未着", "未だ")
	for _, stem := range lost {
		for _, neg := range []string{"てない", "ていない", "てません", "ていません", "てないです"} {
			word(kNoticeYes, "", stem+neg)
		}
	}
	word(kNoticeYes, "", "持って", "もって", "持ち", "手元に", "手もとに", "届い", "届き", "とどい",
		"とどき", "来た", "来まし", "きた", "きまし", "来て", "きて", "受け取", "うけと", "もらっ",
		"もらい", "保管", "見つかっ", "見つけ", "受領")
	word(kNoticeTopic, "", "照会書", "照会", "回答書", "通知書", "通知", "封筒", "はがき", "葉書",
		"ハガキ", "手紙", "お知らせ", "案内", "郵便", "郵送物", "予約id")

	word(kOtherTopic, "", "カード", "マイナンバーカード", "マイナカード", "通知カード", "保険証",
		"免許証", "パスポート", "本人確認書類")
	word(kAddrTopic, "", "住所", "名字", "苗字", "氏名", "名前", "姓", "性別", "生年月日",
		"基本4情報", "基本四情報", "本籍")
	word(kAddrEvent, "", "引っ越", "引越", "ひっこ", "転居", "転入", "転出", "結婚", "離婚",
		"改姓", "改名", "入籍", "養子縁組")
	word(kAddrYes, "", "変わ", "かわっ", "変え", "変更", "変化")
	word(kAddrNo, "", "同じ", "おなじ", "そのまま", "変わらず", "このまま", "以前のまま")

	word(kDontKnow, "", "わからない", "分からない", "判らない", "わかりません", "分かりません",
		"わかんない", "分かんない", "わからん", "分からん", "わかりかね", "分かりかね", "不明",
		"知らない", "しらない", "知りません", "しりません", "知らん", "覚えてない", "覚えていない",
		"覚えてません", "覚えていません", "おぼえてない", "おぼえていない", "記憶にない",
		"記憶がない", "スキップ", "skip", "不詳", "見てない", "見ていない", "確認していない")

	word(kReset, "", "最初から", "さいしょから", "はじめから", "初めから", "始めから", "最初に戻",
		"やり直", "やりなお", "リセット", "reset", "restart", "もう一度最初", "一からやり直")
	word(kBack, "", "戻る", "戻って", "戻り", "戻し", "もどる", "もどって", "もどり", "ひとつ前",
		"一つ前", "1つ前", "前の質問", "前に戻", "前へ", "back")
}
