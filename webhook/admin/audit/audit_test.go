package audit_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/madoguchi/madoguchi/internal/redistest"
	"github.com/madoguchi/madoguchi/webhook/admin/audit"
)

func TestRecordFilterCSV(t *testing.T) {
	rdb := redistest.Client(t)
	prefix := redistest.Prefix(t)
	t.Cleanup(func() { rdb.Del(context.Background(), prefix+"audit") })
	l := audit.New(rdb, prefix, nil)
	ctx := context.Background()
	for _, e := range []audit.Entry{
		{Actor: "alice", Action: audit.LoginOK, Addr: "192.0.2.1"},
		{Actor: "alice", Action: audit.Publish, Unit: "nerima", Detail: "version 2"},
		{Actor: "=cmd()", Action: audit.LoginFailed},
		{Actor: "bob", Action: audit.Publish, Unit: "edogawa", Detail: "version 2"},
	} {
		if err := l.Record(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	all, err := l.List(ctx, audit.Filter{})
	if err != nil || len(all) != 4 || all[0].Actor != "bob" || all[3].Action != audit.LoginOK || all[0].Time.IsZero() {
		t.Fatalf("List = %+v, %v", all, err)
	}
	pub, _ := l.List(ctx, audit.Filter{Action: audit.Publish})
	if len(pub) != 2 {
		t.Fatalf("publishes = %+v", pub)
	}
	ner, _ := l.List(ctx, audit.Filter{Action: audit.Publish, Unit: "nerima", Actor: "alice"})
	if len(ner) != 1 || ner[0].Detail != "version 2" {
		t.Fatalf("nerima publishes = %+v", ner)
	}
	var buf bytes.Buffer
	if err := audit.WriteCSV(&buf, all); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 5 || lines[0] != "time,actor,action,unit,target,detail,addr" {
		t.Fatalf("CSV = %q", buf.String())
	}
	if !strings.Contains(buf.String(), ",'=cmd(),") {
		t.Fatalf("a formula-like cell is not defused: %q", lines[2])
	}
}
