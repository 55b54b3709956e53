//! Inbox notifications: the list (paging, filters, unread count), read status, and the `watch`
//! socket that pushes a new notification. Nothing in this server sends notifications yet (the
//! notifications issue does), so the tests store them through the store, as another replica
//! would, and read them over HTTP.

use serde_json::{json, Value};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::dual_test;
use crate::harness::TestServer;
use domain::inbox::{Action, InboxNotification};
use domain::store::InboxStore;

fn note(user: Uuid, template: Uuid, targets: Vec<Uuid>, at: OffsetDateTime, title: &str) -> InboxNotification {
    InboxNotification {
        id: Uuid::new_v4(),
        user_id: user,
        template_id: template,
        targets,
        title: title.into(),
        content: "body".into(),
        icon: String::new(),
        actions: vec![Action { label: "Open".into(), url: "https://coder.example.com/x".into() }],
        read_at: None,
        created_at: at,
    }
}

fn user_id(srv: &TestServer, token: &str) -> Uuid {
    Uuid::parse_str(srv.get("/api/v2/users/me").token(token).send().json["id"].as_str().unwrap()).unwrap()
}

dual_test!(inbox_lists_pages_filters_and_marks_read, |srv| {
    srv.get("/api/v2/notifications/inbox").send().expect_error(401);
    let (owner, _, _) = srv.setup_owner();
    let (member, _) = srv.create_user(&owner, "mia");
    let empty = srv.get("/api/v2/notifications/inbox").token(&member).send();
    assert_eq!(empty.json, json!({"notifications": [], "unread_count": 0}), "{}", empty.body);

    let repo = coderd::open_store(&srv.args.database).expect("store");
    let (me, boss) = (user_id(srv, &member), user_id(srv, &owner));
    let (tpl_a, tpl_b, workspace) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    let start = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap() - time::Duration::hours(1);
    let mut mine = Vec::new();
    for i in 0..30 {
        let template = if i % 2 == 0 { tpl_a } else { tpl_b };
        let targets = if i < 3 { vec![workspace, me] } else { vec![me] };
        let n = note(me, template, targets, start + time::Duration::seconds(i), &format!("n{i}"));
        repo.insert_inbox_notification(&n).unwrap();
        mine.push(n);
    }
    let others = note(boss, tpl_a, vec![], start, "the owner's");
    repo.insert_inbox_notification(&others).unwrap();

    let page = srv.get("/api/v2/notifications/inbox").token(&member).send();
    assert_eq!(page.status, 200, "{}", page.body);
    let items = page.json["notifications"].as_array().unwrap();
    assert_eq!(items.len(), 25, "a fixed page of 25");
    assert_eq!(page.json["unread_count"], 30);
    assert_eq!(items[0]["title"], "n29", "newest first");
    assert_eq!(items[0]["icon"], "DEFAULT_ICON_OTHER");
    assert_eq!(items[0]["read_at"], Value::Null);
    assert_eq!(items[0]["actions"][0]["label"], "Open");
    let last = items[24]["id"].as_str().unwrap();
    let rest = srv.get(&format!("/api/v2/notifications/inbox?starting_before={last}")).token(&member).send();
    assert_eq!(rest.json["notifications"].as_array().unwrap().len(), 5);
    assert_eq!(rest.json["notifications"][0]["title"], "n4");
    let by_template = srv.get(&format!("/api/v2/notifications/inbox?templates={tpl_b}")).token(&member).send();
    assert_eq!(by_template.json["notifications"].as_array().unwrap().len(), 15);
    let by_target = srv.get(&format!("/api/v2/notifications/inbox?targets={workspace},{me}")).token(&member).send();
    assert_eq!(by_target.json["notifications"].as_array().unwrap().len(), 3, "about every target asked for");
    for bad in ["read_status=maybe", "targets=nope", "starting_before=nope", "bogus=1"] {
        srv.get(&format!("/api/v2/notifications/inbox?{bad}")).token(&member).send().expect_error(400);
    }
    // Another user's notification is not there for anyone else.
    assert!(page.body.find("the owner's").is_none());
    let id = others.id;
    srv.put(&format!("/api/v2/notifications/inbox/{id}/read-status"))
        .token(&member)
        .json(json!({"is_read": true}))
        .send()
        .expect_error(404);

    // Read status.
    let id = mine[29].id;
    let r = srv.put(&format!("/api/v2/notifications/inbox/{id}/read-status")).token(&member).json(json!({"is_read": true})).send();
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json["unread_count"], 29);
    assert!(r.json["notification"]["read_at"].is_string());
    let read = srv.get("/api/v2/notifications/inbox?read_status=read").token(&member).send();
    assert_eq!(read.json["notifications"].as_array().unwrap().len(), 1);
    let r = srv.put(&format!("/api/v2/notifications/inbox/{id}/read-status")).token(&member).json(json!({"is_read": false})).send();
    assert_eq!(r.json["unread_count"], 30);
    assert_eq!(srv.put("/api/v2/notifications/inbox/mark-all-as-read").token(&member).send().status, 204);
    assert_eq!(srv.get("/api/v2/notifications/inbox?read_status=unread").token(&member).send().json["unread_count"], 0);
    // The owner's own notification is untouched by the member's mark-all.
    assert_eq!(srv.get("/api/v2/notifications/inbox").token(&owner).send().json["unread_count"], 1);
    // A key scoped away from the inbox reads nothing.
    let scoped = srv.post("/api/v2/users/me/keys/tokens").token(&member).json(json!({"scopes": ["workspace:read"]})).send();
    let scoped = scoped.json["key"].as_str().unwrap().to_string();
    srv.get("/api/v2/notifications/inbox").token(&scoped).send().expect_error(404);
});

dual_test!(inbox_watch_pushes_a_new_notification, |srv| {
    let (owner, _, _) = srv.setup_owner();
    let me = user_id(srv, &owner);
    let repo = coderd::open_store(&srv.args.database).expect("store");
    let url = srv.url("/api/v2/notifications/inbox/watch?read_status=unread").replacen("http", "ws", 1);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let frame: Value = rt.block_on(async {
        use futures_util::StreamExt;
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut req = url.as_str().into_client_request().unwrap();
        req.headers_mut().insert("Coder-Session-Token", owner.parse().unwrap());
        let (mut ws, resp) = tokio_tungstenite::connect_async(req).await.expect("watch socket");
        assert_eq!(resp.status().as_u16(), 101);
        // Stored after the socket is open, as another replica would store it.
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        repo.insert_inbox_notification(&note(me, Uuid::new_v4(), vec![], OffsetDateTime::now_utc(), "pushed")).unwrap();
        let msg = tokio::time::timeout(std::time::Duration::from_secs(5), ws.next()).await.expect("a frame within seconds");
        serde_json::from_str(msg.unwrap().unwrap().to_text().unwrap()).unwrap()
    });
    assert_eq!(frame["notification"]["title"], "pushed");
    assert_eq!(frame["unread_count"], 1);
    // The socket needs a session.
    srv.get("/api/v2/notifications/inbox/watch").send().expect_error(401);
});
