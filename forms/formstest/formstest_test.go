package formstest
import "testing"
func TestSmall(t *testing.T){ f:=Small(t); if len(f.Workshops)!=2 {t.Fatal(len(f.Workshops))} }
