//! Dense ids as newtypes, so a node index can never be passed where a zone index is expected.

macro_rules! dense_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(u32);

        impl $name {
            /// The id of the element at `index`.
            ///
            /// # Panics
            /// If `index` does not fit in `u32` (networks are far smaller).
            pub fn new(index: usize) -> Self {
                $name(u32::try_from(index).expect("id fits in u32"))
            }

            /// The position of the element.
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

dense_id!(
    /// A node, by position in [`super::Network::nodes`].
    NodeId
);
dense_id!(
    /// A zone, by position in [`super::Network::zones`].
    ZoneId
);
dense_id!(
    /// A line, by position in [`super::Network::lines`].
    LineId
);
