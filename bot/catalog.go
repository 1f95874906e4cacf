package bot

// MunicipalityInfo describes one municipality a channel serves: its id,
// its name and its page (title, date of its last update, page id).
type MunicipalityInfo struct {
	ID      string
	Name    string
	Title   string
	Updated string // YYYY-MM-DD
	PageID  string
}

// Catalog is what the channels (the JSON API, the widget, LINE) know of the
// knowledge: the municipalities and the stateless checklist. It is declared
// here so that channels depend on bot alone, never on the knowledge
// packages; the implementation (dialog.NewCatalog) reads the current
// knowledge version on every call, so a published change reaches the
// channels without a restart. Implementations are safe for concurrent use.
type Catalog interface {
	// Municipalities lists the municipalities in display order.
	Municipalities() []MunicipalityInfo
	// Municipality returns the municipality with id, false when unknown.
	Municipality(id string) (MunicipalityInfo, bool)
	// Checklist returns the checklist for s in municipality on today, from
	// one knowledge version. Errors are *Error: CodeNotFound for an unknown
	// municipality, CodeInvalid (naming the field) for slots the
	// municipality does not accept. With lang other than LangJa the
	// page's facts are in lang where translated (Checklist.Japanese holds
	// the Japanese, Untranslated counts what is not), the texts too.
	Checklist(municipality string, s Slots, today Date, lang Lang) (Checklist, error)
	// Texts returns the texts residents read (TextID) of municipality in
	// lang: the national ones with the municipality's overrides, Japanese
	// where untranslated; the national ones for an unknown municipality.
	Texts(municipality string, lang Lang) Texts
}
