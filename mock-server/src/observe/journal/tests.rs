//! The journal's bounds, filters, pages and live subscribers.

use super::*;

fn entry(trace: &str, status: u16) -> Record {
    Record {
        id: 0,
        time: SystemTime::now(),
        method: Method::POST,
        head: Head {
            text: Bytes::from(format!("/\nx-trace-id: {trace}\n")),
            path_end: 1,
            trace_id: Some(14..14 + trace.len()),
        },
        body: None,
        client_id: None,
        operation: None,
        scenario: None,
        scenario_source: None,
        source: None,
        status,
        latency: Duration::ZERO,
        route: Route::Local,
    }
}

#[test]
fn the_journal_is_bounded_and_lists_newest_first() {
    let journal = Journal::new(3, 1 << 20);
    for (i, status) in [200, 404, 200, 401].into_iter().enumerate() {
        journal.record(entry(&format!("t{i}"), status));
    }
    let all = journal.list(&Filter::default());
    let traces: Vec<_> = all.iter().filter_map(|e| e.trace_id.as_deref()).collect();
    assert_eq!(traces, ["t3", "t2", "t1"]);
    assert_eq!(all[0].id, 4);
    let ok = journal.list(&Filter {
        status: Some(200),
        ..Filter::default()
    });
    assert_eq!(ok.len(), 1);
    journal.clear();
    assert!(journal.is_empty());
}

#[test]
fn a_journal_of_size_zero_keeps_nothing() {
    let journal = Journal::new(0, 1 << 20);
    journal.record(entry("t", 200));
    assert!(journal.is_empty());
}

#[test]
fn secrets_are_redacted() {
    let mut headers = HeaderMap::new();
    headers.insert("client_secret", "s3cret".parse().expect("value"));
    headers.insert("x-admin-token", "t0ken".parse().expect("value"));
    headers.insert("client_id", "sp".parse().expect("value"));
    headers.insert("x-trace-id", "t-1".parse().expect("value"));
    let head = Head::of(&Uri::from_static("/x?y=1"), &headers);
    assert_eq!(head.path(), "/x?y=1");
    assert_eq!(head.trace_id().as_deref(), Some("t-1"));
    let kept = String::from_utf8_lossy(&head.text);
    assert!(kept.contains("client_secret: ***\n"), "{kept}");
    assert!(kept.contains("x-admin-token: ***\n"), "{kept}");
    assert!(kept.contains("client_id: sp\n"), "{kept}");
    assert!(
        !kept.contains("s3cret") && !kept.contains("t0ken"),
        "{kept}"
    );
}

#[test]
fn the_journal_keeps_within_its_byte_budget_oldest_first_out() {
    let budget = 10 * (RECORD_OVERHEAD + 1024);
    let journal = Journal::new(1000, budget);
    for i in 0..100 {
        let mut record = entry(&format!("t{i}"), 200);
        record.body = Some(Bytes::from(vec![b'x'; 1000]));
        journal.record(record);
        assert!(journal.held().bytes <= budget);
    }
    let kept = journal.list(&Filter::default());
    assert!((5..=10).contains(&kept.len()), "{}", kept.len());
    assert_eq!(kept[0].trace_id.as_deref(), Some("t99"));
    // A record larger than the whole budget is kept without its body.
    let mut huge = entry("huge", 200);
    huge.body = Some(Bytes::from(vec![b'x'; budget]));
    journal.record(huge);
    let newest = journal.list(&Filter::default());
    assert_eq!(newest[0].trace_id.as_deref(), Some("huge"));
    assert_eq!(newest[0].body, None);
}

#[test]
fn a_listing_is_a_page() {
    let journal = Journal::new(5000, 1 << 30);
    for i in 0..3000 {
        journal.record(entry(&format!("t{i}"), 200));
    }
    assert_eq!(journal.list(&Filter::default()).len(), DEFAULT_PAGE);
    let all = Filter {
        limit: Some(usize::MAX),
        ..Filter::default()
    };
    assert_eq!(journal.list(&all).len(), MAX_PAGE);
}

#[test]
fn a_body_is_kept_as_far_as_it_is_shown() {
    let journal = Journal::new(10, 1 << 20);
    let text = "é".repeat(MAX_BODY_CHARS + 10);
    let kept = journal.kept_body(text.as_bytes()).expect("kept");
    assert_eq!(kept.len(), 2 * MAX_BODY_CHARS);
    let bytes = vec![0xff_u8; 3 * MAX_BODY_CHARS];
    assert_eq!(
        journal.kept_body(&bytes).map(|b| b.len()),
        Some(MAX_BODY_CHARS)
    );
    assert_eq!(journal.kept_body(b"short").as_deref(), Some(&b"short"[..]));
    assert_eq!(Journal::new(0, 1 << 20).kept_body(b"x"), None);
}
