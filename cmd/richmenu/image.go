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

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"github.com/madoguchi/madoguchi/deploy/richmenu"
)

// Debian's fonts-noto-cjk; any OpenType or TrueType font (or collection)
// with Japanese glyphs will do.
const (
	defaultFont   = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
	defaultFamily = "Noto Sans CJK JP"
)

// hints are the smaller lines under each tile's label, by postback data.
var hints = map[string]string{
	"start":     "持ち物と窓口をご案内",
	"faq":       "手数料・暗証番号など",
	"faq=phone": "場所・受付時間・電話",
	"reset":     "入力をやり直す",
}

// tileColors are the tiles' backgrounds, in order; text is white on them
// (each has a contrast ratio above 4.5:1 with white).
var tileColors = []color.RGBA{
	{0x1b, 0x6e, 0x3a, 0xff}, // green
	{0x1f, 0x5f, 0x9e, 0xff}, // blue
	{0x8a, 0x4b, 0x08, 0xff}, // brown
	{0x55, 0x55, 0x5f, 0xff}, // grey
}

func runImage(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("image", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fontPath := fs.String("font", defaultFont, "OpenType/TrueType font or collection (.ttc) with Japanese glyphs")
	family := fs.String("family", defaultFamily, "font family to pick from a collection")
	menuPath := fs.String("menu", "", "menu definition (default: the embedded deploy/richmenu/menu.json)")
	out := fs.String("o", "deploy/richmenu/menu.png", "where to write the PNG")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "richmenu image: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	data := richmenu.JSON()
	if *menuPath != "" {
		var err error
		if data, err = os.ReadFile(*menuPath); err != nil {
			fmt.Fprintf(stderr, "richmenu image: %v\n", err)
			return exitFail
		}
	}
	menu, err := richmenu.Parse(data)
	if err != nil {
		fmt.Fprintf(stderr, "richmenu image: %v\n", err)
		return exitFail
	}
	f, err := loadFont(*fontPath, *family)
	if err != nil {
		fmt.Fprintf(stderr, "richmenu image: %v\n", err)
		return exitFail
	}
	img, err := drawMenu(menu, f)
	if err != nil {
		fmt.Fprintf(stderr, "richmenu image: %v\n", err)
		return exitFail
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img); err != nil {
		fmt.Fprintf(stderr, "richmenu image: encode: %v\n", err)
		return exitFail
	}
	if buf.Len() > richmenu.MaxImageBytes {
		fmt.Fprintf(stderr, "richmenu image: %d bytes, over LINE's limit of %d\n", buf.Len(), richmenu.MaxImageBytes)
		return exitFail
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		fmt.Fprintf(stderr, "richmenu image: %v\n", err)
		return exitFail
	}
	fmt.Fprintf(stdout, "%s: %d×%d, %d bytes\n", *out, menu.Size.Width, menu.Size.Height, buf.Len())
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
// centred, and its hint smaller beneath. Text is shrunk to fit the tile.
func drawMenu(m *richmenu.Menu, f *sfnt.Font) (*image.RGBA, error) {
	img := image.NewRGBA(image.Rect(0, 0, m.Size.Width, m.Size.Height))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	const gap = 6 // white lines between tiles
	tiles := make([]image.Rectangle, len(m.Areas))
	var labels, hintTexts []string
	maxW := m.Size.Width
	for i, a := range m.Areas {
		b := a.Bounds
		tiles[i] = image.Rect(b.X, b.Y, b.X+b.Width, b.Y+b.Height).Inset(gap / 2)
		maxW = min(maxW, tiles[i].Dx()*88/100)
		labels = append(labels, a.Action.Label)
		hintTexts = append(hintTexts, hints[a.Action.Data])
	}
	// One size for every label and one for every hint, so the tiles match.
	label, err := fitFace(f, labels, 112, maxW)
	if err != nil {
		return nil, err
	}
	small, err := fitFace(f, hintTexts, 56, maxW)
	if err != nil {
		return nil, err
	}
	for i, r := range tiles {
		draw.Draw(img, r, image.NewUniform(tileColors[i%len(tileColors)]), image.Point{}, draw.Src)
		cy := r.Min.Y + r.Dy()/2
		if hintTexts[i] == "" {
			drawCentered(img, label, labels[i], r, cy)
			continue
		}
		drawCentered(img, label, labels[i], r, cy-50)
		drawCentered(img, small, hintTexts[i], r, cy+90)
	}
	return img, nil
}

// fitFace returns a face of at most size pixels in which every text is no
// wider than maxW.
func fitFace(f *sfnt.Font, texts []string, size float64, maxW int) (font.Face, error) {
	for ; size >= 12; size -= 4 {
		face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
		if err != nil {
			return nil, err
		}
		fits := true
		for _, t := range texts {
			fits = fits && font.MeasureString(face, t).Ceil() <= maxW
		}
		if fits {
			return face, nil
		}
	}
	return nil, fmt.Errorf("the texts %q do not fit in %d pixels", texts, maxW)
}

// drawCentered draws text in white, centred horizontally in r and
// vertically on the line cy.
func drawCentered(dst draw.Image, face font.Face, text string, r image.Rectangle, cy int) {
	w := font.MeasureString(face, text)
	met := face.Metrics()
	// The baseline that puts the middle of the ascent-descent box on cy.
	baseline := fixed.I(cy) + (met.Ascent-met.Descent)/2
	d := font.Drawer{
		Dst:  dst,
		Src:  image.NewUniform(color.White),
		Face: face,
		Dot:  fixed.Point26_6{X: fixed.I(r.Min.X) + (fixed.I(r.Dx())-w)/2, Y: baseline},
	}
	d.DrawString(text)
}
