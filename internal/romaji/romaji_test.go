package romaji

import "testing"

func TestText(t *testing.T) {
	for in, want := range map[string]string{
		"jibun de ikimasu":                            "じぶんでいきます",
		"kekkon shite namae kawarimashita":            "けっこんしてなまえかわりました",
		"kigen wa 2027 nen 1 gatsu 30 nichi desu":     "きげんは 2027 ねん 1 がつ 30 にちです",
		"koushin wa ikura kakarimasu ka":              "こうしんはいくらかかりますか",
		"nani wo motte ikeba ii desu ka? kaado dake?": "なにをもっていけばいいですか? かあどだけ?",
		"kao ninshou no card demo koushin iru?":       "かおにんしょうの card でもこうしんいる?",
		"shinbun to kin'you":                          "shinbun to kin'you", // no marker: left alone
		// English is left alone, though some of its words read as Hepburn.
		"can i do it at a branch office":   "",
		"my wife will go to the city hall": "",
		"no":                               "",
		"i go":                             "",
		"no change":                        "",
		"i made a mistake":                 "",
		"same. no change":                  "",
	} {
		got, ok := Text(in)
		if want == "" || want == in {
			if ok {
				t.Errorf("Text(%q) = %q, true; want it left as English", in, got)
			}
			continue
		}
		if !ok || got != want {
			t.Errorf("Text(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestWord(t *testing.T) {
	for in, want := range map[string]string{
		"kohoku": "こほく", "motte": "もって", "shinbun": "しんぶん", "kin'you": "きんよう", "matcha": "まっちゃ",
		"onna": "おんな", "konnichiwa": "こんにちわ", "tsuzuki": "つずき", "seya": "せや",
	} {
		if got, ok := Word(in); !ok || got != want {
			t.Errorf("Word(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"card", "the", "xyz", "branch"} {
		if got, ok := Word(in); ok {
			t.Errorf("Word(%q) = %q, true; want false", in, got)
		}
	}
}
