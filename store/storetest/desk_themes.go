package storetest

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"feedback/forms"
	"feedback/store"
)

func testThemes(t *testing.T, b Backend) {
	s, place := mustOpen(t, b)
	ctx := context.Background()
	keys := deskFixture(t, s)
	declared := []forms.Theme{{ID: "skills", Label: "Skills and training"}, {ID: "digital", Label: "Digital tools"}}
	if err := s.DeclareThemes(ctx, declared); err != nil {
		t.Fatal(err)
	}
	ai, err := s.AddTheme(ctx, "  AI and the  public sector ")
	if err != nil {
		t.Fatal(err)
	}
	if ai.ID != "ai_and_the_public_sector" || ai.Label != "AI and the public sector" {
		t.Errorf("added %+v", ai)
	}
	_, err = s.AddTheme(ctx, "ai AND the public sector")
	wantCode(t, "a label taken", err, forms.ECONFLICT)
	_, err = s.AddTheme(ctx, "   ")
	wantCode(t, "an empty label", err, forms.EINVALID)
	_, err = s.AddTheme(ctx, strings.Repeat("x", forms.MaxThemeLabel+1))
	wantCode(t, "a label too long", err, forms.EINVALID)
	// Another script makes an id of its own; the same id twice is made unique.
	ru, err := s.AddTheme(ctx, "Цифровизация")
	if err != nil || ru.ID != "theme" {
		t.Errorf("Cyrillic label: %+v, %v", ru, err)
	}
	if again, err := s.AddTheme(ctx, "Навыки"); err != nil || again.ID != "theme_2" {
		t.Errorf("second Cyrillic label: %+v, %v", again, err)
	}
	themes, err := s.Themes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, th := range themes {
		order = append(order, th.ID)
	}
	if want := []string{"skills", "digital", "ai_and_the_public_sector", "theme", "theme_2"}; !reflect.DeepEqual(order, want) {
		t.Errorf("themes %v, want %v (the order they were made)", order, want)
	}

	// Tags: several themes per comment, counted by workshop; twice is once.
	ru1, zh := keys["Обучение ИИ было полезным"], keys["人工智能培训很好"]
	for _, tag := range []struct {
		k     store.CommentKey
		theme string
	}{{ru1, ai.ID}, {ru1, "skills"}, {ru1, "skills"}, {zh, ai.ID}} {
		if err := s.TagComment(ctx, tag.k.ResponseID, tag.k.Question, tag.theme, true); err != nil {
			t.Fatal(err)
		}
	}
	got := themeIDs(t, s)
	if th := got[ai.ID]; th.Comments != 2 || th.Workshops["alpha"] != 1 || th.Workshops["beta"] != 1 {
		t.Errorf("AI theme counts %+v", th)
	}
	if th := got["skills"]; th.Comments != 1 {
		t.Errorf("skills counts %+v", th)
	}
	codings, err := s.Codings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c := codings[ru1]; !reflect.DeepEqual(c.Themes, []string{"skills", ai.ID}) {
		t.Errorf("codings of the Russian comment %+v, want skills then AI (the themes' order)", c)
	}
	if err := s.TagComment(ctx, ru1.ResponseID, ru1.Question, "skills", false); err != nil {
		t.Fatal(err)
	}
	if th := themeIDs(t, s)["skills"]; th.Comments != 0 {
		t.Errorf("untagged: skills counts %+v", th)
	}
	wantCode(t, "tag with no such theme", s.TagComment(ctx, ru1.ResponseID, ru1.Question, "nope", true), forms.ENOTFOUND)
	wantCode(t, "tag no such comment", s.TagComment(ctx, ru1.ResponseID, "overall", ai.ID, true), forms.ENOTFOUND)
	wantCode(t, "tag no such response", s.TagComment(ctx, "01234567-0000-7000-8000-000000000000", "comment", ai.ID, true), forms.ENOTFOUND)

	testThemeRename(t, b, s, place, ai)
}

// testThemeRename renames theme ai (with two comments), then reopens.
func testThemeRename(t *testing.T, b Backend, s store.Store, place string, ai forms.Theme) {
	ctx := context.Background()
	// Rename keeps the id and the tags.
	if err := s.RenameTheme(ctx, ai.ID, "AI in government"); err != nil {
		t.Fatal(err)
	}
	if th := themeIDs(t, s)[ai.ID]; th.Label != "AI in government" || th.Comments != 2 {
		t.Errorf("renamed: %+v", th)
	}
	wantCode(t, "rename to a label taken", s.RenameTheme(ctx, ai.ID, "digital TOOLS"), forms.ECONFLICT)
	wantCode(t, "rename no such theme", s.RenameTheme(ctx, "nope", "x"), forms.ENOTFOUND)
	if err := s.RenameTheme(ctx, ai.ID, "AI IN GOVERNMENT"); err != nil {
		t.Errorf("a theme renamed to its own label in another case: %v", err)
	}

	// A change that empties the comment leaves it uncounted; declaring
	// again renames nothing.
	s.Close()
	s = mustOpenAt(t, b, place)
	if err := s.DeclareThemes(ctx, []forms.Theme{{ID: "skills", Label: "Another label"}}); err != nil {
		t.Fatal(err)
	}
	if th := themeIDs(t, s)["skills"]; th.Label != "Skills and training" {
		t.Errorf("declared again: %+v", th)
	}
	if th := themeIDs(t, s)[ai.ID]; th.Comments != 2 {
		t.Errorf("after a reopen: %+v", th)
	}
}

func testThemeMerge(t *testing.T, b Backend) {
	s, place := mustOpen(t, b)
	ctx := context.Background()
	keys := deskFixture(t, s)
	if err := s.DeclareThemes(ctx, []forms.Theme{{ID: "skills", Label: "Skills"}, {ID: "training", Label: "Training"}}); err != nil {
		t.Fatal(err)
	}
	ru1, ar, fr := keys["Обучение ИИ было полезным"], keys["التَّدْرِيب مفيد جدا"], keys["École numérique: très utile"]
	for _, tag := range []struct {
		k     store.CommentKey
		theme string
	}{{ru1, "skills"}, {ru1, "training"}, {ar, "training"}, {fr, "skills"}} {
		if err := s.TagComment(ctx, tag.k.ResponseID, tag.k.Question, tag.theme, true); err != nil {
			t.Fatal(err)
		}
	}
	wantCode(t, "merge into itself", s.MergeTheme(ctx, "skills", "skills"), forms.EINVALID)
	wantCode(t, "merge into no such theme", s.MergeTheme(ctx, "skills", "nope"), forms.ENOTFOUND)
	if err := s.MergeTheme(ctx, "training", "skills"); err != nil {
		t.Fatal(err)
	}
	got := themeIDs(t, s)
	if _, ok := got["training"]; ok {
		t.Error("a merged theme is still listed")
	}
	if th := got["skills"]; th.Comments != 3 || th.Workshops["alpha"] != 2 || th.Workshops["beta"] != 1 {
		t.Errorf("merged counts %+v, want 3 comments (one had both)", th)
	}
	wantTexts(t, s, store.CommentFilter{Theme: "skills"}, "Обучение ИИ было полезным", "التَّدْرِيب مفيد جدا", "École numérique: très utile")
	// A stale page tags with the merged id: it lands on the theme that
	// took it over. The merged one is not revived by declaring it again.
	zh := keys["人工智能培训很好"]
	if err := s.TagComment(ctx, zh.ResponseID, zh.Question, "training", true); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = mustOpenAt(t, b, place)
	if err := s.DeclareThemes(ctx, []forms.Theme{{ID: "skills", Label: "Skills"}, {ID: "training", Label: "Training"}}); err != nil {
		t.Fatal(err)
	}
	got = themeIDs(t, s)
	if _, ok := got["training"]; ok || got["skills"].Comments != 4 {
		t.Errorf("after a stale tag and a restart: %+v", got)
	}
	wantCode(t, "rename a merged theme", s.RenameTheme(ctx, "training", "x"), forms.ENOTFOUND)
	wantCode(t, "merge a merged theme", s.MergeTheme(ctx, "training", "skills"), forms.ENOTFOUND)
	// Its label is free again.
	if th, err := s.AddTheme(ctx, "Training"); err != nil || th.ID != "training_2" {
		t.Errorf("a merged theme's label again: %+v, %v", th, err)
	}
}

// testThemesAcrossStores: what one replica codes the other sees.
func testThemesAcrossStores(t *testing.T, b Backend) {
	place := b.New(t)
	s1, s2 := mustOpenAt(t, b, place), mustOpenAt(t, b, place)
	ctx := context.Background()
	keys := deskFixture(t, s1)
	th, err := s1.AddTheme(ctx, "Pace")
	if err != nil {
		t.Fatal(err)
	}
	k := keys["The pace was too fast"]
	if err := s2.TagComment(ctx, k.ResponseID, k.Question, th.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := s2.SetTranslation(ctx, k.ResponseID, k.Question, "Trop rapide"); err != nil {
		t.Fatal(err)
	}
	p := mustComments(t, s1, store.CommentFilter{Theme: th.ID})
	if len(p.Comments) != 1 || p.Comments[0].Translation != "Trop rapide" {
		t.Errorf("the first store sees %+v", p)
	}
	if _, err := s2.AddTheme(ctx, "pace"); forms.ErrorCode(err) != forms.ECONFLICT {
		t.Errorf("the same label on the other store: %v", err)
	}
}

func testTranslations(t *testing.T, b Backend) {
	s, _ := mustOpen(t, b)
	ctx := context.Background()
	keys := deskFixture(t, s)
	k := keys["人工智能培训很好"]
	if err := s.SetTranslation(ctx, k.ResponseID, k.Question, "  The AI training was good  "); err != nil {
		t.Fatal(err)
	}
	if err := s.SetTranslation(ctx, k.ResponseID, k.Question, "The AI training was very good"); err != nil {
		t.Fatal(err)
	}
	p := mustComments(t, s, store.CommentFilter{Lang: "zh"})
	if len(p.Comments) != 1 || p.Comments[0].Translation != "The AI training was very good" {
		t.Fatalf("translated: %+v", p.Comments)
	}
	codings, err := s.Codings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c := codings[k]; c.Translation != "The AI training was very good" || len(c.Themes) != 0 {
		t.Errorf("codings %+v", c)
	}
	wantCode(t, "too long", s.SetTranslation(ctx, k.ResponseID, k.Question, strings.Repeat("x", store.MaxTranslation+1)), forms.EINVALID)
	wantCode(t, "no such comment", s.SetTranslation(ctx, k.ResponseID, "overall", "x"), forms.ENOTFOUND)
	if err := s.SetTranslation(ctx, k.ResponseID, k.Question, " "); err != nil {
		t.Fatal(err)
	}
	if p := mustComments(t, s, store.CommentFilter{Lang: "zh"}); p.Comments[0].Translation != "" {
		t.Errorf("removed: %+v", p.Comments[0])
	}
	if codings, _ := s.Codings(ctx); len(codings) != 0 {
		t.Errorf("codings after removal: %+v", codings)
	}
}
