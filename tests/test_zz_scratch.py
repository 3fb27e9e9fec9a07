from minhbach.pipeline import build_site
def test_fix(make_site, tmp_path):
    root = make_site()
    r = build_site(root, tmp_path/"out")
    print(r.pages, r.written, [p.format() for p in r.warnings])
    import subprocess; print(subprocess.run(["find", str(tmp_path/"out")], capture_output=True, text=True).stdout)
