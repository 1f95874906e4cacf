package main

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"os"
	"strings"
	"unicode"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/deploy/richmenu"
)

// Debian's fonts-noto-cjk; any OpenType or TrueType font (or collection)
// with Japanese glyphs will do.
const (
	defaultFont   = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
	defaultFamily = "Noto Sans CJK JP"
)

// tileColors are the tiles' backgrounds, in order; text is white on them
// (each has a contrast ratio above 4.5:1 with white).
var tileColors = []color.RGBA{
	{0x1b, 0x6e, 0x3a, 0xff}, // green
	{0x1f, 0x5f, 0x9e, 0xff}, // blue
	{0x8a, 0x4b, 0x08, 0xff}, // brown
	{0x55, 0x55, 0x5f, 0xff}, // grey
}

func runImage(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("image", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fontPath := fs.String("font", defaultFont, "OpenType/TrueType font or collection (.ttc) with Japanese glyphs")
	family := fs.String("family", defaultFamily, "font family to pick from a collection")
	menuPath := fs.String("menu", "", "the layout, a menu definition (default: the embedded deploy/richmenu/menu.json)")
	out := fs.String("o", "deploy/richmenu/menu.png", "where to write the Japanese PNG; the other files are written beside it")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "richmenu image: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "richmenu image: %v\n", err)
		return exitFail
	}
	data := richmenu.JSON()
	if *menuPath != "" {
		var err error
		if data, err = os.ReadFile(*menuPath); err != nil {
			return fail(err)
		}
	}
	layout, err := richmenu.Parse(data)
	if err != nil {
		return fail(err)
	}
	kb, err := loadKnowledge(getenv("KNOWLEDGE_DIR"))
	if err != nil {
		return fail(err)
	}
	f, err := loadFont(*fontPath, *family)
	if err != nil {
		return fail(err)
	}
	// Every language is drawn before anything is written: a failure
	// leaves the committed files as they were.
	base := strings.TrimSuffix(*out, ".png")
	type file struct {
		path string
		data []byte
	}
	var files []file
	var report []string
	for _, lang := range bot.Langs {
		menu, hintTexts, err := richmenu.Localize(layout, lang, kb.Texts(nil, lang))
		if err != nil {
			return fail(err)
		}
		img, err := drawMenu(menu, hintTexts, f)
		if err != nil {
			return fail(fmt.Errorf("%s: %w", lang, err))
		}
		var buf bytes.Buffer
		if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img); err != nil {
			return fail(fmt.Errorf("encode: %w", err))
		}
		if buf.Len() > richmenu.MaxImageBytes {
			return fail(fmt.Errorf("%s: %d bytes, over LINE's limit of %d", lang, buf.Len(), richmenu.MaxImageBytes))
		}
		js, err := richmenu.Encode(menu)
		if err != nil {
			return fail(err)
		}
		pngPath, jsonPath := richmenu.FileName(base, lang, ".png"), richmenu.FileName(base, lang, ".json")
		files = append(files, file{pngPath, buf.Bytes()}, file{jsonPath, js})
		report = append(report, fmt.Sprintf("%s: %d×%d, %d bytes; %s\n", pngPath, menu.Size.Width, menu.Size.Height, buf.Len(), jsonPath))
	}
	for _, fl := range files {
		if err := os.WriteFile(fl.path, fl.data, 0o644); err != nil {
			return fail(err)
		}
	}
	fmt.Fprint(stdout, strings.Join(report, ""))
	return exitOK
}

// loadFont reads a font file or collection and returns the font of the
// given family (the first font when the file holds only one).
func loadFont(path, family string) (*sfnt.Font, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read font: %w", err)
	}
	c, err := opentype.ParseCollection(data)
	if err != nil {
		return nil, fmt.Errorf("parse font %s: %w", path, err)
	}
	var names []string
	for i := range c.NumFonts() {
		f, err := c.Font(i)
		if err != nil {
			return nil, fmt.Errorf("font %d of %s: %w", i, path, err)
		}
		name, _ := f.Name(nil, sfnt.NameIDFamily)
		if c.NumFonts() == 1 || name == family {
			return f, nil
		}
		names = append(names, name)
	}
	return nil, fmt.Errorf("%s has no family %q (it has: %s)", path, family, strings.Join(names, ", "))
}

// drawMenu draws one tile per area: its background, its label large and
// its hint smaller beneath, both centred. Texts are shrunk to fit the tile
// and may break at a space onto a second line (English, やさしい日本語's
// spaced words); a reading written 漢字(かんじ) is drawn as ruby above
// its kanji. Every tile has the labels' size and line count, and the
// hints', so the tiles match.
func drawMenu(m *richmenu.Menu, hintTexts []string, f *sfnt.Font) (*image.RGBA, error) {
	img := image.NewRGBA(image.Rect(0, 0, m.Size.Width, m.Size.Height))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	const gap = 6 // white lines between tiles
	tiles := make([]image.Rectangle, len(m.Areas))
	var labels []string
	maxW := m.Size.Width
	for i, a := range m.Areas {
		b := a.Bounds
		tiles[i] = image.Rect(b.X, b.Y, b.X+b.Width, b.Y+b.Height).Inset(gap / 2)
		maxW = min(maxW, tiles[i].Dx()*88/100)
		labels = append(labels, a.Action.Label)
	}
	label, err := fitText(f, labels, 112, maxW)
	if err != nil {
		return nil, err
	}
	small, err := fitText(f, hintTexts, 56, maxW)
	if err != nil {
		return nil, err
	}
	labelH, hintH := label.lineHeight(1.25), small.lineHeight(1.35)
	between := label.size * 45 / 100
	if small.lines == 0 {
		between = 0
	}
	block := label.lines*labelH + between + small.lines*hintH
	for i, r := range tiles {
		draw.Draw(img, r, image.NewUniform(tileColors[i%len(tileColors)]), image.Point{}, draw.Src)
		top := r.Min.Y + (r.Dy()-block)/2
		label.drawLines(img, label.laid[i], r, top, labelH, label.lines)
		small.drawLines(img, small.laid[i], r, top+label.lines*labelH+between, hintH, small.lines)
	}
	return img, nil
}

// fitted is a set of texts laid out in one size: each text's lines, the
// most lines of any, and whether any has ruby.
type fitted struct {
	size       int
	face, ruby font.Face
	laid       [][]string
	lines      int
	hasRuby    bool
}

// fitText returns the largest size of at most size pixels in which every
// text fits maxW on at most two lines.
func fitText(f *sfnt.Font, texts []string, size, maxW int) (*fitted, error) {
	for ; size >= 12; size -= 4 {
		face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: float64(size), DPI: 72, Hinting: font.HintingFull})
		if err != nil {
			return nil, err
		}
		ruby, err := opentype.NewFace(f, &opentype.FaceOptions{Size: float64(size) / 2, DPI: 72, Hinting: font.HintingFull})
		if err != nil {
			return nil, err
		}
		ft := &fitted{size: size, face: face, ruby: ruby}
		ok := true
		for _, t := range texts {
			lines, fits := ft.wrap(t, maxW)
			ok = ok && fits
			ft.laid = append(ft.laid, lines)
			ft.lines = max(ft.lines, len(lines))
			for _, s := range parseRuby(t) {
				ft.hasRuby = ft.hasRuby || s.ruby != ""
			}
		}
		if ok {
			return ft, nil
		}
	}
	return nil, fmt.Errorf("the texts %q do not fit in %d pixels", texts, maxW)
}

// wrap lays t out on one line if it fits maxW, else on the two lines
// broken at a space whose longer line is the shortest.
func (ft *fitted) wrap(t string, maxW int) ([]string, bool) {
	if t == "" {
		return nil, true
	}
	if ft.width(t) <= maxW {
		return []string{t}, true
	}
	words := strings.Split(t, " ")
	var best []string
	bestW := 0
	for i := 1; i < len(words); i++ {
		a, b := strings.Join(words[:i], " "), strings.Join(words[i:], " ")
		if w := max(ft.width(a), ft.width(b)); best == nil || w < bestW {
			best, bestW = []string{a, b}, w
		}
	}
	return best, best != nil && bestW <= maxW
}

// width is how wide line is drawn: each part as wide as the wider of its
// base and its ruby.
func (ft *fitted) width(line string) int {
	var w fixed.Int26_6
	for _, s := range parseRuby(line) {
		w += max(font.MeasureString(ft.face, s.base), font.MeasureString(ft.ruby, s.ruby))
	}
	return w.Ceil()
}

// lineHeight is the pitch of the lines: spacing times the size, and room
// for the ruby above when some text has it.
func (ft *fitted) lineHeight(spacing float64) int {
	h := int(float64(ft.size) * spacing)
	if ft.hasRuby {
		h += ft.size * 55 / 100
	}
	return h
}

// drawLines draws lines centred in r, in an area of slots lines of pitch
// h from top (a text of fewer lines is centred in it).
func (ft *fitted) drawLines(dst draw.Image, lines []string, r image.Rectangle, top, h, slots int) {
	top += (slots - len(lines)) * h / 2
	for j, line := range lines {
		cy := top + j*h + h/2
		if ft.hasRuby {
			cy += ft.size * 55 / 200 // the ruby takes the top of the line
		}
		ft.drawLine(dst, line, r, cy)
	}
}

// drawLine draws one line in white, centred horizontally in r, its base
// text's middle on cy and each ruby above its base.
func (ft *fitted) drawLine(dst draw.Image, line string, r image.Rectangle, cy int) {
	x := fixed.I(r.Min.X) + (fixed.I(r.Dx())-fixed.I(ft.width(line)))/2
	base, ruby := ft.face.Metrics(), ft.ruby.Metrics()
	// The baseline that puts the middle of the ascent-descent box on cy.
	baseline := fixed.I(cy) + (base.Ascent-base.Descent)/2
	// The ruby sits just above the base's em box.
	rubyBaseline := fixed.I(cy-ft.size/2) - ruby.Descent
	for _, s := range parseRuby(line) {
		bw, rw := font.MeasureString(ft.face, s.base), font.MeasureString(ft.ruby, s.ruby)
		w := max(bw, rw)
		d := font.Drawer{Dst: dst, Src: image.NewUniform(color.White), Face: ft.face,
			Dot: fixed.Point26_6{X: x + (w-bw)/2, Y: baseline}}
		d.DrawString(s.base)
		if s.ruby != "" {
			d = font.Drawer{Dst: dst, Src: image.NewUniform(color.White), Face: ft.ruby,
				Dot: fixed.Point26_6{X: x + (w-rw)/2, Y: rubyBaseline}}
			d.DrawString(s.ruby)
		}
		x += w
	}
}

// segment is a run of text and, for kanji given a reading, the reading.
type segment struct{ base, ruby string }

// parseRuby splits s at its readings: 手続(てつづ)き is 手続 read てつづ,
// then き. Parentheses that do not hold kana right after kanji stay text.
func parseRuby(s string) []segment {
	var out []segment
	rs := []rune(s)
	plain := 0 // start of the text not yet in out
	flush := func(end int) {
		if end > plain {
			out = append(out, segment{base: string(rs[plain:end])})
		}
	}
	for i := 0; i < len(rs); i++ {
		if rs[i] != '(' && rs[i] != '（' {
			continue
		}
		j := i + 1
		for j < len(rs) && isKana(rs[j]) {
			j++
		}
		k := i
		for k > plain && isKanji(rs[k-1]) {
			k--
		}
		if j == i+1 || j >= len(rs) || (rs[j] != ')' && rs[j] != '）') || k == i {
			continue
		}
		flush(k)
		out = append(out, segment{base: string(rs[k:i]), ruby: string(rs[i+1 : j])})
		plain = j + 1
		i = j
	}
	flush(len(rs))
	return out
}

func isKana(r rune) bool { return unicode.In(r, unicode.Hiragana, unicode.Katakana) || r == 'ー' }

func isKanji(r rune) bool { return unicode.Is(unicode.Han, r) || r == '々' || r == 'ヶ' }
