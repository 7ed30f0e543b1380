//! Layout of content into a [`PagedDocument`].

mod collect;
mod finalize;
mod run;

use std::num::NonZeroU64;

use comemo::{Track, Tracked, TrackedMut};
use ecow::{EcoVec, eco_format};
use typst_library::diag::{SourceDiagnostic, SourceResult};
use typst_library::engine::{Engine, Route, Sink, Traced};
use typst_library::foundations::{Content, Label, StyleChain};
use typst_library::introspection::{
    Introspector, Location, Locator, LocatorLink, ManualPageCounter, SplitLocator, TagElem,
};
use typst_library::layout::{Frame, FrameItem, Point};
use typst_library::model::{Destination, DocumentInfo, Url};
use typst_library::routines::{Arenas, Pair, RealizationKind};
use typst_library::{Library, World};
use typst_syntax::Span;
use typst_utils::{LazyHash, PicoStr, Protected};

use self::collect::{Item, collect};
use self::finalize::finalize;
use self::run::{LayoutedPage, layout_blank_page, layout_page_run};
use crate::{Page, PagedDocument};

/// Layout content into a document.
///
/// This first performs root-level realization and then lays out the resulting
/// elements. In contrast to [`layout_fragment`](crate::layout_fragment),
/// this does not take regions since the regions are defined by the page
/// configuration in the content and style chain.
#[typst_macros::time(name = "layout document")]
pub fn layout_document(
    engine: &mut Engine,
    content: &Content,
    styles: StyleChain,
) -> SourceResult<PagedDocument> {
    layout_document_impl(
        engine.world,
        engine.library,
        engine.introspector.into_raw(),
        engine.traced,
        TrackedMut::reborrow_mut(&mut engine.sink),
        engine.route.track(),
        content,
        styles,
    )
}

/// The internal implementation of `layout_document`.
#[comemo::memoize]
#[allow(clippy::too_many_arguments)]
fn layout_document_impl(
    world: Tracked<dyn World + '_>,
    library: &LazyHash<Library>,
    introspector: Tracked<dyn Introspector + '_>,
    traced: Tracked<Traced>,
    sink: TrackedMut<Sink>,
    route: Tracked<Route>,
    content: &Content,
    styles: StyleChain,
) -> SourceResult<PagedDocument> {
    layout_document_common(
        library,
        world,
        introspector,
        traced,
        sink,
        route,
        content,
        Locator::root(),
        styles,
    )
}

/// Layout content into a document, as part of a bundle compilation process.
#[typst_macros::time(name = "layout document")]
pub fn layout_document_for_bundle(
    engine: &mut Engine,
    content: &Content,
    locator: Locator,
    styles: StyleChain,
) -> SourceResult<PagedDocument> {
    layout_document_for_bundle_impl(
        engine.world,
        engine.library,
        engine.introspector.into_raw(),
        engine.traced,
        TrackedMut::reborrow_mut(&mut engine.sink),
        engine.route.track(),
        content,
        locator.track(),
        styles,
    )
}

/// The internal implementation of `layout_document_for_bundle`.
#[comemo::memoize]
#[allow(clippy::too_many_arguments)]
fn layout_document_for_bundle_impl(
    world: Tracked<dyn World + '_>,
    library: &LazyHash<Library>,
    introspector: Tracked<dyn Introspector + '_>,
    traced: Tracked<Traced>,
    sink: TrackedMut<Sink>,
    route: Tracked<Route>,
    content: &Content,
    locator: Tracked<Locator>,
    styles: StyleChain,
) -> SourceResult<PagedDocument> {
    let link = LocatorLink::new(locator);
    layout_document_common(
        library,
        world,
        introspector,
        traced,
        sink,
        route,
        content,
        Locator::link(&link),
        styles,
    )
}

/// The shared, unmemoized implementation of `layout_document` and
/// `layout_document_for_bundle`.
#[allow(clippy::too_many_arguments)]
fn layout_document_common(
    library: &LazyHash<Library>,
    world: Tracked<dyn World + '_>,
    introspector: Tracked<dyn Introspector + '_>,
    traced: Tracked<Traced>,
    sink: TrackedMut<Sink>,
    route: Tracked<Route>,
    content: &Content,
    locator: Locator,
    styles: StyleChain,
) -> SourceResult<PagedDocument> {
    let introspector = Protected::from_raw(introspector);
    let mut locator = locator.split();
    let mut engine = Engine {
        library,
        world,
        introspector,
        traced,
        sink,
        route: Route::extend(route).unnested(),
    };

    // Mark the external styles as "outside" so that they are valid at the page
    // level.
    let styles = styles.to_map().outside();
    let styles = StyleChain::new(&styles);
    let arenas = Arenas::default();

    let mut info = DocumentInfo::default();
    info.populate(styles);
    info.populate_locale(styles);

    let mut children = (engine.library.routines.realize)(
        RealizationKind::Document { info: &mut info },
        &mut engine,
        &mut locator,
        &arenas,
        content,
        styles,
    )?;

    let pages = layout_pages(&mut engine, &mut children, &mut locator, styles)?;

    let doc = PagedDocument::new(pages, info);
    check_label_links(&mut engine, &doc);
    Ok(doc)
}

// Spotlight patch: links to labels are laid out with a stand-in destination (see `LINK_RULE`).
// Each layout iteration checks that every such label exists (`check_label_links`); the finished
// document's links are pointed at their labels once, before export (`resolve_label_links`), as
// rewriting the frames that hold links copies most of the document.

/// The prefix of a stand-in link destination: a URL no document can contain.
const LABEL_LINK: &str = "\u{0}typst-label:";

/// The stand-in destination of a link to `label` at `span`, independent of where the label is.
pub(crate) fn label_link(label: Label, span: Span) -> Destination {
    let url = eco_format!("{LABEL_LINK}{}:{}", span.into_raw(), label.resolve());
    Destination::Url(Url::new(url).expect("a label name is short and never empty"))
}

/// The label a stand-in destination names, and where the link is.
fn linked_label(dest: &Destination) -> Option<(Label, Span)> {
    let Destination::Url(url) = dest else { return None };
    let (span, name) = url.strip_prefix(LABEL_LINK)?.split_once(':')?;
    let span = Span::from_raw(NonZeroU64::new(span.parse().ok()?)?);
    Some((Label::new(PicoStr::intern(name))?, span))
}

/// Whether a frame holds a stand-in link, in it or in a group.
fn has_label_link(frame: &Frame) -> bool {
    frame.items().any(|(_, item)| match item {
        FrameItem::Group(group) => has_label_link(&group.frame),
        FrameItem::Link(dest, _) => linked_label(dest).is_some(),
        _ => false,
    })
}

/// Report every stand-in link whose label does not exist in the document, or more than once: an
/// error at the link, delayed, as a later layout iteration may still place the label.
fn check_label_links(engine: &mut Engine, doc: &PagedDocument) {
    fn check(frame: &Frame, found: &mut dyn FnMut(Label, Span)) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Group(group) => check(&group.frame, found),
                FrameItem::Link(dest, _) => {
                    if let Some((label, span)) = linked_label(dest) {
                        found(label, span);
                    }
                }
                _ => {}
            }
        }
    }
    let introspector = doc.introspector();
    let mut errors = EcoVec::new();
    for page in doc.pages() {
        check(&page.frame, &mut |label, span| {
            if let Err(message) = introspector.query_label(label) {
                errors.push(SourceDiagnostic::error(span, message));
            }
        });
    }
    if !errors.is_empty() {
        engine.delay::<()>(Err(errors));
    }
}

/// Point every stand-in link of a laid-out document at its label's location (call it on the
/// document a compile returned, before exporting it); a link whose label does not resolve (the
/// compile reported it) is dropped. Frames without a stand-in stay shared.
pub fn resolve_label_links(doc: PagedDocument) -> PagedDocument {
    fn resolve(frame: &mut Frame, find: &mut dyn FnMut(Label) -> Option<Location>) {
        frame.retain(|item| match item {
            FrameItem::Group(group) => {
                if has_label_link(&group.frame) {
                    resolve(&mut group.frame, find);
                }
                true
            }
            FrameItem::Link(dest, _) => match linked_label(dest) {
                Some((label, _)) => match find(label) {
                    Some(loc) => {
                        *dest = Destination::Location(loc);
                        true
                    }
                    None => false,
                },
                None => true,
            },
            _ => true,
        });
    }
    if !doc.pages().iter().any(|page| has_label_link(&page.frame)) {
        return doc;
    }
    let introspector = doc.introspector().clone();
    let mut find =
        |label: Label| introspector.query_label(label).ok().and_then(|t| t.location());
    let (mut pages, info) = doc.into_parts();
    for page in pages.make_mut() {
        if has_label_link(&page.frame) {
            resolve(&mut page.frame, &mut find);
        }
    }
    PagedDocument::new(pages, info)
}

/// Layouts the document's pages.
fn layout_pages<'a>(
    engine: &mut Engine,
    children: &'a mut [Pair<'a>],
    locator: &mut SplitLocator<'a>,
    styles: StyleChain<'a>,
) -> SourceResult<EcoVec<Page>> {
    // Slice up the children into logical parts.
    let items = collect(children, locator, styles);

    // Layout the page runs in parallel.
    let mut runs = engine.parallelize(
        items.iter().filter_map(|item| match item {
            Item::Run(children, initial, locator) => {
                Some((children, initial, locator.relayout()))
            }
            _ => None,
        }),
        |engine, (children, initial, locator)| {
            layout_page_run(engine, children, locator, *initial)
        },
    );

    let mut pages = EcoVec::new();
    let mut tags = vec![];
    let mut counter = ManualPageCounter::new();

    // Collect and finalize the runs, handling things like page parity and tags
    // between pages.
    for item in &items {
        match item {
            Item::Run(..) => {
                let layouted = runs.next().unwrap()?;
                for layouted in layouted {
                    let page = finalize(engine, &mut counter, &mut tags, layouted)?;
                    pages.push(page);
                }
            }
            Item::Parity(parity, initial, locator) => {
                if !parity.matches(pages.len()) {
                    continue;
                }

                let layouted = layout_blank_page(engine, locator.relayout(), *initial)?;
                let page = finalize(engine, &mut counter, &mut tags, layouted)?;
                pages.push(page);
            }
            Item::Tags(items) => {
                tags.extend(
                    items
                        .iter()
                        .filter_map(|(c, _)| c.to_packed::<TagElem>())
                        .map(|elem| elem.tag.clone()),
                );
            }
        }
    }

    // Add the remaining tags to the very end of the last page.
    if !tags.is_empty() {
        let last = pages.make_mut().last_mut().unwrap();
        let pos = Point::with_y(last.frame.height());
        last.frame
            .push_multiple(tags.into_iter().map(|tag| (pos, FrameItem::Tag(tag))));
    }

    Ok(pages)
}
