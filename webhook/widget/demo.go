package widget

import (
	"bytes"
	"html/template"

	"github.com/madoguchi/madoguchi/bot"
)

// demoTemplate is the mock municipal page. It carries no inline script or
// style: the page's CSP forbids both.
var demoTemplate = template.Must(template.New("demo").Parse(`<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Current.Name}} マイナンバーカードの電子証明書の更新（デモ）</title>
<link rel="stylesheet" href="/demo.css">
</head>
<body>
<header class="site">
<p class="demo-banner">これはチャット窓口のデモページです。実際の自治体のページではありません。</p>
<p class="site-name">{{.Current.Name}} 公式ホームページ（デモ）</p>
<nav aria-label="自治体の切り替え">
<ul class="tabs">
{{- range .All}}
<li><a href="/?m={{.ID}}"{{if eq .ID $.Current.ID}} aria-current="page"{{end}}>{{.Name}}</a></li>
{{- end}}
</ul>
</nav>
</header>
<main>
<p class="crumbs">ホーム ＞ 戸籍・住民票 ＞ マイナンバーカード</p>
<h1>マイナンバーカードの電子証明書の更新</h1>
<p>マイナンバーカードの電子証明書（署名用・利用者証明用）の有効期限は、発行日から5回目の誕生日までです。有効期限の3か月前から更新の手続きができます。</p>
<h2>手続きに必要なもの</h2>
<p>必要なものは、手続きに来る方（ご本人・法定代理人・代理人）や、お手元の書類によって変わります。右下の「チャットで相談」から、ご自身の場合の持ち物を確認できます。</p>
<h2>お問い合わせ</h2>
<p>くわしくは{{.Current.Name}}の担当窓口へお問い合わせください。</p>
</main>
<footer class="site"><p>© {{.Current.Name}}（デモ）</p></footer>
<script src="/widget.js" data-municipality="{{.Current.ID}}"{{with .Lang}} data-lang="{{.}}"{{end}} async></script>
</body>
</html>
`))

// demoPage renders the demo page for municipality id, its widget in lang
// (data-lang; "" or an unknown language: none); false if id is unknown.
func demoPage(ms []Municipality, id, lang string) ([]byte, bool) {
	if _, ok := bot.ParseLang(lang); !ok {
		lang = ""
	}
	for _, m := range ms {
		if m.ID == id {
			var b bytes.Buffer
			if err := demoTemplate.Execute(&b, struct {
				Current Municipality
				All     []Municipality
				Lang    string
			}{m, ms, lang}); err != nil {
				panic(err) // cannot happen: the template only prints strings
			}
			return b.Bytes(), true
		}
	}
	return nil, false
}
